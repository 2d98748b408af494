"""A request that contradicts what is already recorded (a second ballot) is core's 409."""

from __future__ import annotations

from haolinju.core.errors import Conflict

__all__ = ["Conflict"]
