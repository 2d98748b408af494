"""A move the current state refuses is core's 409 (``core.errors.Conflict``)."""

from __future__ import annotations

from haolinju.core.errors import Conflict

__all__ = ["Conflict"]
