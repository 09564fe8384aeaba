import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from core.privacy.crypto import decrypt_text, encrypt_text, keyed_hash


def test_encryption_round_trips_and_differs_each_time():
    first = encrypt_text("430181198801011235", purpose="test")
    second = encrypt_text("430181198801011235", purpose="test")
    assert first != second
    assert "430181198801011235" not in first
    assert decrypt_text(first, purpose="test") == "430181198801011235"


def test_a_value_encrypted_for_one_purpose_does_not_decrypt_for_another():
    token = encrypt_text("430181198801011235", purpose="test")
    with pytest.raises(InvalidTag):
        decrypt_text(token, purpose="other")


def test_the_keyed_hash_is_stable_and_depends_on_the_key(settings):
    settings.PII_KEY = "first-key-for-the-test"
    first = keyed_hash("430181198801011235", purpose="test")
    assert first == keyed_hash("430181198801011235", purpose="test")
    settings.PII_KEY = "second-key-for-the-test"
    assert keyed_hash("430181198801011235", purpose="test") != first


def test_without_a_key_and_with_debug_off_nothing_is_encrypted(settings):
    settings.PII_KEY = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        encrypt_text("430181198801011235", purpose="test")
