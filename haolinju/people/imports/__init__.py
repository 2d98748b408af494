"""Spreadsheet import (unit register, people ledger) and export."""
