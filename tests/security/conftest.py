import os
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "config" / "settings.py"
# What a real production start sets; tests override single variables.
PRODUCTION_ENVIRONMENT = {
    "PRODUCTION": "true",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "testserver,example.org",
    "SECRET_KEY": "k3y-" + "q8vZ2mN7xR4tL9wB6yH1cF5jD0sG3pK" * 2,
}
# The settings the production profile switches; everything else (database, cache, media)
# stays as the test run has it.
PROFILE_PREFIXES = (
    "ALLOWED_HOSTS",
    "CONTENT_SECURITY_POLICY",
    "CROSS_ORIGIN_",
    "CSRF_COOKIE_",
    "MESSAGE_STORAGE",
    "PRODUCTION",
    "SECURE_",
    "SESSION_",
    "X_FRAME_OPTIONS",
)


def load_settings(**environment):
    """Run config/settings.py afresh with `environment` (a value of None removes the
    variable) and without the checkout's `.env`, as a server started that way would."""
    variables = {**os.environ, **PRODUCTION_ENVIRONMENT, **environment}
    variables = {name: value for name, value in variables.items() if value is not None}
    with (
        mock.patch.dict(os.environ, variables, clear=True),
        mock.patch("environ.Env.read_env"),
    ):
        namespace = runpy.run_path(str(SETTINGS_FILE))
    return {name: value for name, value in namespace.items() if name.isupper()}


@pytest.fixture
def production(settings):
    """The test run's settings with the production profile's security settings applied,
    exactly as config/settings.py computes them with PRODUCTION=true."""
    profile = load_settings()
    for name, value in profile.items():
        if name.startswith(PROFILE_PREFIXES):
            setattr(settings, name, value)
    return profile


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs a second per user; these tests are about what surrounds it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


OBSERVATORY_SCORES = []


def pytest_terminal_summary(terminalreporter):
    if OBSERVATORY_SCORES:
        terminalreporter.section("Mozilla HTTP Observatory score (production profile)")
        for line in OBSERVATORY_SCORES:
            terminalreporter.write_line(line)
