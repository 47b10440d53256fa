"""Authenticated encryption of identity fields and keyed hashes for search.

Keys come from settings (the environment). `SAFEPATH_FIELD_KEYS` is a list of
Fernet keys, the first one encrypts, all of them decrypt: to rotate, put a
new key first and run `safepath rotate_keys`. A value that no key opens raises
`DecryptionError`: we fail closed, never returning ciphertext as text.
"""

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored value could not be opened with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise DecryptionError("no field-encryption key is configured")
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.SAFEPATH_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A file's bytes, sealed with the primary field key (uploads kept on disk)."""
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("stored file cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt `token` under the first (primary) key."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def normalise_for_index(value: str) -> str:
    """Case, width and spacing do not change the blind index of a name."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


def blind_index(value: str, *, kind: str) -> str:
    """A keyed hash for exact-match search; `kind` keeps name and phone hashes apart."""
    key = settings.SAFEPATH_BLIND_INDEX_KEY.encode("utf-8")
    message = f"{kind}:{normalise_for_index(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
