"""Uploads can live in S3-compatible object storage, switched on by settings alone."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage, storages
from articles.renditions import rendition_name
print(json.dumps({
    "storage": type(storages["default"]).__module__ + "." + type(storages["default"]).__name__,
    "bucket": default_storage.bucket_name,
    "cover_url": default_storage.url("covers/spines.jpg"),
    "rendition_url": default_storage.url(rendition_name("covers/spines.jpg", 800, "webp")),
    "serve_media": settings.SERVE_MEDIA,
    "image_sources": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


@pytest.mark.parametrize(
    "custom_domain", ["media.example.org", "https://media.example.org", "media.example.org/"]
)
def test_s3_settings_switch_media_to_the_bucket_without_code_changes(custom_domain):
    """The CDN's domain may be written as a host name or as the address it serves at."""
    env = {
        **os.environ,
        "MEDIA_STORAGE": "storages.backends.s3.S3Storage",
        "S3_BUCKET": "publication-media",
        "S3_ENDPOINT_URL": "https://objects.example.org",
        "S3_CUSTOM_DOMAIN": custom_domain,
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {
        "storage": "storages.backends.s3.S3Storage",
        "bucket": "publication-media",
        "cover_url": "https://media.example.org/covers/spines.jpg",
        "rendition_url": "https://media.example.org/renditions/covers/spines-800w.webp",
        # Every app server reads the same bucket, so none serves media itself.
        "serve_media": False,
        # Pages may show images from there, and from nowhere else.
        "image_sources": ["'self'", "https://media.example.org", "https://objects.example.org"],
    }
