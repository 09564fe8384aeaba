import pytest


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """The generated campaign makes dozens of accounts; Argon2 would spend a minute hashing their passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
