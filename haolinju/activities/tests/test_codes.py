"""Rotating check-in codes: signed, bound to their subject, 30 seconds of life."""

import pytest

from haolinju.activities import codes


def test_a_fresh_code_reads_back_to_its_subject():
    """A code made now names its kind, subject and issue time."""
    text = codes.make(codes.ACTIVITY, 42, now=1_000_000)
    code = codes.read(text, now=1_000_010)
    assert (code.kind, code.subject_id, code.issued) == ("a", 42, 1_000_000)


def test_a_code_older_than_thirty_seconds_is_expired():
    """A screenshot forwarded after its 30 s lifetime is refused as expired."""
    text = codes.make(codes.ACTIVITY, 42, now=1_000_000)
    codes.read(text, now=1_000_030)
    with pytest.raises(codes.CodeExpired):
        codes.read(text, now=1_000_031)
    with pytest.raises(codes.CodeExpired):
        codes.read(text, now=1_000_000 - 60)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace("a42.", "a43."),
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),
        lambda t: t.replace("a42", "p42"),
        lambda t: "",
        lambda t: "a42.x.y",
        lambda t: t + ".extra",
    ],
)
def test_a_forged_or_altered_code_is_invalid(mutate):
    """Changing the subject, the kind or the tag, or sending garbage, is an invalid code."""
    text = codes.make(codes.ACTIVITY, 42, now=1_000_000)
    with pytest.raises(codes.CodeInvalid):
        codes.read(mutate(text), now=1_000_001)
