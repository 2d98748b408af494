"""Writes of the cases app (see ``cases.py``) and the supervision sweep (``supervision.py``)."""

from .cases import (
    case_create,
    case_rate,
    case_support,
    case_transition,
    case_whistle,
    rectification_record,
    summons_report,
)
from .machine import CASE_MACHINE, SUMMONS_MACHINE, actions_for
from .mediation import (
    agreement_draft,
    agreement_sign,
    agreement_void,
    follow_up_schedule,
    follow_up_transition,
    session_schedule,
    session_transition,
)
from .reviews import micro_review_add

__all__ = [
    "CASE_MACHINE",
    "SUMMONS_MACHINE",
    "actions_for",
    "case_create",
    "case_rate",
    "case_support",
    "case_transition",
    "case_whistle",
    "rectification_record",
    "summons_report",
]

from .attachments import attachment_add
from .open311 import open311_key_issue, open311_request_create

__all__ += ["attachment_add", "open311_key_issue", "open311_request_create"]

__all__ += [
    "agreement_draft",
    "agreement_sign",
    "agreement_void",
    "follow_up_schedule",
    "follow_up_transition",
    "micro_review_add",
    "session_schedule",
    "session_transition",
]
