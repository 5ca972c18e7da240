import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff accounts made for these tests need no slow, secure hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
