"""Province-level prefixes of GB/T 2260 division codes (first two digits), including
historical ones, so an unknown prefix can be flagged as a warning rather than rejected."""

KNOWN_REGION_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
    " 71 81 82 83 91".split()
)

# Division codes used by the demo district (RULES.md §2).
HUBEI = "420000"
HUANGGANG = "421100"
HUANGZHOU = "421102"
MACHENG = "421181"
WUXUE = "421182"
