"""Writes of the deliberation loop, one module per part."""
