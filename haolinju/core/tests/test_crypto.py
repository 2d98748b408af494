"""Field encryption (MultiFernet with rotation), blind indexes and masking."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from haolinju.core import crypto

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_round_trip_returns_the_plaintext_and_hides_it(settings):
    """Encrypting then decrypting gives the value back; the token does not contain it."""
    token = crypto.encrypt("421102199003071233")
    assert "421102199003071233" not in token
    assert crypto.decrypt(token) == "421102199003071233"


def test_encryption_is_randomised():
    """The same value encrypts differently each time, so equal tokens reveal nothing."""
    assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")


def test_empty_value_stays_empty():
    """An absent value is stored as the empty string, not as an encrypted empty string."""
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


def test_key_rotation_old_key_still_decrypts_new_key_encrypts(settings):
    """After rotation (new key first), old tokens still decrypt and new tokens use the new key:
    removing the old key later does not break them."""
    settings.HAOLINJU_FIELD_KEYS = [OLD_KEY]
    old_token = crypto.encrypt("13812345678")

    settings.HAOLINJU_FIELD_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt(old_token) == "13812345678"
    new_token = crypto.encrypt("13812345678")
    assert Fernet(NEW_KEY.encode()).decrypt(new_token.encode()) == b"13812345678"

    settings.HAOLINJU_FIELD_KEYS = [NEW_KEY]
    assert crypto.decrypt(new_token) == "13812345678"
    with pytest.raises(RuntimeError):
        crypto.decrypt(old_token)


def test_wrong_key_never_returns_garbage(settings):
    """A token encrypted under a key that is no longer configured raises, never returns junk."""
    settings.HAOLINJU_FIELD_KEYS = [OLD_KEY]
    token = crypto.encrypt("secret")
    settings.HAOLINJU_FIELD_KEYS = [NEW_KEY]
    with pytest.raises(RuntimeError, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_no_keys_refuses_to_encrypt(settings):
    """Without keys, personal data cannot be stored at all (no silent plaintext fallback)."""
    settings.HAOLINJU_FIELD_KEYS = []
    with pytest.raises(RuntimeError, match="HAOLINJU_FIELD_KEYS"):
        crypto.encrypt("13812345678")


def test_blind_index_is_stable_and_purpose_separated(settings):
    """The same value gives the same index every time; different purposes give different
    indexes, and the index does not contain the value."""
    a = crypto.blind_index("13812345678", "phone")
    assert a == crypto.blind_index("13812345678", "phone")
    assert a != crypto.blind_index("13812345678", "id_number")
    assert a != crypto.blind_index("13812345679", "phone")
    assert "13812345678" not in a
    assert len(a) == 64


def test_blind_index_depends_on_the_key(settings):
    """Changing the HMAC key changes every index: without the key the table cannot be
    searched by dictionary."""
    settings.HAOLINJU_HMAC_KEY = "key-one"
    one = crypto.blind_index("13812345678", "phone")
    settings.HAOLINJU_HMAC_KEY = "key-two"
    assert crypto.blind_index("13812345678", "phone") != one
    settings.HAOLINJU_HMAC_KEY = "key-one"
    assert crypto.blind_index("13812345678", "phone") == one


def test_blind_index_of_empty_is_empty():
    """No value, no index (so the unique constraint ignores absent ID numbers)."""
    assert crypto.blind_index("", "phone") == ""


def test_phone_mask_keeps_first_three_and_last_four():
    """13812345678 → 138****5678."""
    assert crypto.mask_phone("13812345678") == "138****5678"


def test_id_number_mask_keeps_region_and_last_two():
    """421102199003071233 → 421102**********33: birth date and sequence hidden."""
    assert crypto.mask_id_number("421102199003071233") == "421102**********33"
    assert crypto.mask_id_number("11010519491231002X") == "110105**********2X"


def test_masks_of_short_values_hide_everything():
    """Values too short to mask partially are hidden completely."""
    assert crypto.mask_phone("12345") == "*****"
    assert crypto.mask_id_number("1234567") == "*******"


def test_name_mask_for_public_notices():
    """张三丰 → 张*丰, 李四 → 李*, a single character stays."""
    assert crypto.mask_name("张三丰") == "张*丰"
    assert crypto.mask_name("李四") == "李*"
    assert crypto.mask_name("欧阳娜娜") == "欧**娜"
    assert crypto.mask_name("王") == "王"
