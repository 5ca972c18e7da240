import os

import pytest

from tests.operations.commands import manage


@pytest.fixture(scope="module")
def static_files():
    """gunicorn serves hashed static files from the manifest that collectstatic writes."""
    manage(os.environ.copy(), "collectstatic", "--noinput", "--verbosity", "0")
