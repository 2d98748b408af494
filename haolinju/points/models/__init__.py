"""The points app's models: the ledger, the per-deed entries and their review, rules, the
annual notice and the rewards shop."""

from .entries import Entry, EntryKind, EntryStatus, MonthLock
from .ledger import Account, AccountKind, AppendOnlyError, Transfer
from .notice import Masking, Notice, NoticeLeaf, Objection
from .rules import RuleVersion
from .shop import Redemption, RedemptionStatus, ShopItem, StockMove, StockMoveKind

__all__ = [
    "Account",
    "AccountKind",
    "AppendOnlyError",
    "Entry",
    "EntryKind",
    "EntryStatus",
    "Masking",
    "MonthLock",
    "Notice",
    "NoticeLeaf",
    "Objection",
    "Redemption",
    "RedemptionStatus",
    "RuleVersion",
    "ShopItem",
    "StockMove",
    "StockMoveKind",
    "Transfer",
]
