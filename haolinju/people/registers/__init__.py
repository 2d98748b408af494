"""Registers that write people: the people and party-member ledger, and the owners named in
the unit register (产权人). Built on ``core.sheets`` and ``org.registers``; decision 0006."""
