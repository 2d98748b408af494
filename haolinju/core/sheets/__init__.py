"""Generic spreadsheet machinery for registers: reading a real-world .xlsx (``reader``),
turning cells into values (``cells``), errors that point at a cell (``errors``) and what
validating a file produces (``plan``). Knows no domain app; each register lives beside the
app whose data it writes (``org.registers``, ``people.registers``). See decision 0006."""
