"""Field encryption, blind indexes and masking for personal data.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through
``MultiFernet`` so keys can be rotated: the first key in ``HAOLINJU_FIELD_KEYS`` encrypts, all
of them decrypt. Exact-match lookup uses a keyed HMAC-SHA256 "blind index" of the normalised
value, so the database never holds the plaintext and cannot be searched by dictionary without
the key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("HAOLINJU_FIELD_KEYS is empty: personal data cannot be encrypted")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def field_cipher() -> MultiFernet:
    """The configured ``MultiFernet`` (first key encrypts, all decrypt; ``rotate`` re-encrypts)."""
    return _fernet(tuple(settings.HAOLINJU_FIELD_KEYS))


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return _fernet(tuple(settings.HAOLINJU_FIELD_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(tuple(settings.HAOLINJU_FIELD_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key set: never return garbage
        raise RuntimeError("personal data cannot be decrypted with the configured keys") from exc


def blind_index(value: str, purpose: str) -> str:
    """Keyed HMAC of a normalised value; ``purpose`` keeps indexes of different fields apart."""
    if value == "":
        return ""
    key = f"{settings.HAOLINJU_HMAC_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(id_number: str) -> str:
    """421102199003071233 → 421102**********33 (region kept, birth date and sequence hidden)."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 8)}{id_number[-2:]}"


def mask_name(name: str) -> str:
    """For public notices: 张三丰 → 张*丰, 李四 → 李*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
