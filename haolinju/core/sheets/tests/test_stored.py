"""The rows a preview keeps for its commit (``core.sheets.stored``)."""

import datetime as dt

from haolinju.core.sheets.reader import Row, Table
from haolinju.core.sheets.stored import dump_table, load_table


def _table() -> Table:
    table = Table(
        sheet="登记表",
        header_row=2,
        data_start=3,
        columns={"name": (1, "姓名"), "joined_on": (2, "入党日期"), "area": (3, "面积")},
        ignored_headers=["备注"],
        mapped={"面积": "area"},
    )
    table.rows = [
        Row(3, {"name": "王建国", "joined_on": dt.datetime(1985, 7, 1), "area": 89.5}),
        Row(5, {"name": "李梅", "joined_on": dt.date(2001, 7, 1), "area": 421102199003071233.0}),
        Row(6, {"name": True, "joined_on": dt.time(8, 30), "area": None}),
        Row(7, {"name": {"$": "t", "v": "x", "w": 1}, "joined_on": 12, "area": "八十"}),
    ]
    return table


def test_a_kept_table_comes_back_cell_for_cell_with_its_types():
    """Text, numbers (a float that lost digits stays that float), dates, datetimes, times,
    booleans and blanks come back with their types, row numbers and header facts."""
    original = _table()
    restored = load_table(dump_table(original))
    assert restored == original
    assert type(restored.rows[0].values["joined_on"]) is dt.datetime
    assert type(restored.rows[1].values["joined_on"]) is dt.date


def test_a_kept_table_holds_no_plaintext():
    """The token is encrypted: no name from the rows appears in it."""
    token = dump_table(_table())
    assert "王建国" not in token and "王建国".encode().hex() not in token


def test_an_empty_token_or_a_kept_file_is_not_a_table():
    """An empty token, or one holding an .xlsx file (a batch waiting for a mapping), gives None."""
    import base64

    from haolinju.core.crypto import encrypt

    assert load_table("") is None
    assert load_table(encrypt(base64.b64encode(b"PK\x03\x04rest").decode())) is None
