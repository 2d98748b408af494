"""Writes of the activities app, one module per concern, each ``@transaction.atomic``."""
