"""Account predicates."""

from __future__ import annotations

from haolinju.core.scope import jurisdiction_of


def elder_mode_on(user) -> bool:
    """Whether pages are shown in elder-friendly mode (适老化) to ``user``: their own choice,
    else on for residents and off for staff (who work long lists at a desk)."""
    if user is None or not user.is_authenticated:
        return False
    if user.elder_mode is not None:
        return user.elder_mode
    scope = jurisdiction_of(user)
    return not (scope.is_superuser or scope.is_staff_scope)
