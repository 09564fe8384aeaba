"""Encryption at rest and keyed look-up for personal data (PIPL), keyed from the configured PII keys.

Two separate keys are derived from each master key with HKDF, one per purpose, so that the look-up hash (which
must be deterministic) never shares a key with the cipher. The cipher is AES-256-GCM with a random nonce per value:
the same number encrypts differently each time, and a tampered value fails to decrypt instead of reading as garbage.

Keys rotate (docs/operations.md, "Key rotation"): `settings.PII_KEYS` lists the keys newest first, and `PII_KEY`
(the one key of before rotation existed) counts as the oldest. New values are encrypted and hashed with the newest
key; any configured key decrypts. A value carries the id of the key that sealed it (`<key id>:<base64>`), so that
`manage.py rotate_pii_key` finds the rows still under an older key with one SQL filter; values written before the
id existed (bare base64) are decrypted by trying each key.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Only so that `make run` works on a laptop with nothing configured; settings refuse an empty PII_KEY with DEBUG
# off, and `master_keys` refuses this one there too.
DEVELOPMENT_PII_KEY = "chunfeng-development-pii-key-never-use-in-production"

_NONCE_BYTES = 12
_KEY_ID_SEPARATOR = ":"


def master_keys():
    """The configured master keys, newest first: PII_KEYS, then PII_KEY unless it is already among them."""
    keys = [key for key in getattr(settings, "PII_KEYS", []) if key]
    if settings.PII_KEY and settings.PII_KEY not in keys:
        keys.append(settings.PII_KEY)
    if keys:
        return keys
    if settings.DEBUG:
        return [DEVELOPMENT_PII_KEY]
    raise ImproperlyConfigured("PII_KEY is required when DEBUG is off.")


@cache
def _derived_key(master, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(master.encode())


@cache
def key_id(master):
    """Eight hex characters naming a master key in stored values; derived, so it tells nothing about the key."""
    return _derived_key(master, "key-id").hex()[:8]


def current_key_prefix():
    """What every value encrypted with the newest key starts with (the rotation's SQL filter)."""
    return key_id(master_keys()[0]) + _KEY_ID_SEPARATOR


def encrypt_text(text, *, purpose):
    """`text` encrypted with the newest key for storage: `<key id>:` + base64 of nonce + ciphertext + tag.
    `purpose` is bound in as associated data."""
    master = master_keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_derived_key(master, f"encrypt:{purpose}")).encrypt(nonce, text.encode(), purpose.encode())
    return current_key_prefix() + base64.b64encode(nonce + sealed).decode("ascii")


def _open(master, body, purpose):
    raw = base64.b64decode(body)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(_derived_key(master, f"encrypt:{purpose}")).decrypt(nonce, sealed, purpose.encode()).decode()


def decrypt_text(token, *, purpose):
    """The text of a stored value, with whichever configured key sealed it. InvalidTag if none did (or it was
    tampered with); ImproperlyConfigured if it names a key that is no longer configured."""
    named_id, separator, body = token.rpartition(_KEY_ID_SEPARATOR)
    if not separator:
        return _decrypt_unnamed(token, purpose)
    for master in master_keys():
        if key_id(master) == named_id:
            return _open(master, body, purpose)
    raise ImproperlyConfigured(
        f"A value was encrypted with PII key {named_id}, which is no longer configured (PII_KEYS / PII_KEY)."
    )


def _decrypt_unnamed(token, purpose):
    """A value from before values named their key: each key in turn (GCM's tag tells the right one)."""
    for master in master_keys():
        try:
            return _open(master, token, purpose)
        except InvalidTag:
            continue
    raise InvalidTag


def is_encrypted_with_current_key(token):
    return token.startswith(current_key_prefix())


def _hash_with(master, text, purpose):
    return hmac.new(_derived_key(master, f"hash:{purpose}"), text.encode(), hashlib.sha256).hexdigest()


def keyed_hash(text, *, purpose):
    """HMAC-SHA256 of `text` (hex) with the newest key: equal inputs give equal hashes, so it serves look-ups and
    unique constraints, and without the key nobody can test guesses against it (ID numbers have few enough values
    to enumerate). What is stored; look-ups use `keyed_hashes`."""
    return _hash_with(master_keys()[0], text, purpose)


def keyed_hashes(text, *, purpose):
    """The keyed hash of `text` under every configured key, newest first: a look-up matches any of them, so that
    rows not yet rotated are still found."""
    return [_hash_with(master, text, purpose) for master in master_keys()]
