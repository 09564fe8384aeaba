"""Encryption at rest and keyed look-up for personal data (PIPL), both keyed from settings.PII_KEY.

Two separate keys are derived from PII_KEY with HKDF, one per purpose, so that the look-up hash (which must be
deterministic) never shares a key with the cipher. The cipher is AES-256-GCM with a random nonce per value: the
same number encrypts differently each time, and a tampered value fails to decrypt instead of reading as garbage.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Only so that `make run` works on a laptop with nothing configured; settings refuse an empty PII_KEY with DEBUG
# off, and `_master_key` refuses this one there too.
DEVELOPMENT_PII_KEY = "chunfeng-development-pii-key-never-use-in-production"

_NONCE_BYTES = 12


def _master_key():
    if settings.PII_KEY:
        return settings.PII_KEY
    if settings.DEBUG:
        return DEVELOPMENT_PII_KEY
    raise ImproperlyConfigured("PII_KEY is required when DEBUG is off.")


@cache
def _derived_key(master, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(master.encode())


def _key(purpose):
    return _derived_key(_master_key(), purpose)


def encrypt_text(text, *, purpose):
    """`text` encrypted for storage: base64 of nonce + ciphertext + tag. `purpose` is bound in as associated data."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(f"encrypt:{purpose}")).encrypt(nonce, text.encode(), purpose.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt_text(token, *, purpose):
    raw = base64.b64decode(token)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(_key(f"encrypt:{purpose}")).decrypt(nonce, sealed, purpose.encode()).decode()


def keyed_hash(text, *, purpose):
    """HMAC-SHA256 of `text` (hex): equal inputs give equal hashes, so it serves look-ups and unique constraints,
    and without PII_KEY nobody can test guesses against it (ID numbers have few enough values to enumerate)."""
    return hmac.new(_key(f"hash:{purpose}"), text.encode(), hashlib.sha256).hexdigest()
