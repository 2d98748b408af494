"""Registers that write the area tree: the unit register (房屋登记表) and the address
columns every register shares. Built on ``core.sheets``; see decision 0006."""
