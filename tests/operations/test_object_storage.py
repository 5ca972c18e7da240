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


def probe_storage(media_storage, custom_domain):
    """What the site makes of the S3 variables, in a process of its own."""
    env = {
        **os.environ,
        "MEDIA_STORAGE": media_storage,
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
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "custom_domain", ["media.example.org", "https://media.example.org", "media.example.org/"]
)
def test_s3_settings_switch_media_to_the_bucket_without_code_changes(custom_domain):
    """The CDN's domain may be written as a host name or as the address it serves at."""
    probe = probe_storage("storages.backends.s3.S3Storage", custom_domain)
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


def test_the_s3_storage_class_by_its_older_name_reads_the_same_settings():
    """django-storages' guides long named the class `s3boto3.S3Boto3Storage`, and it is
    still the same class: given that name, the S3 variables were ignored, and every page
    with an image failed ("Required parameter name not set") with S3_BUCKET set."""
    probe = probe_storage("storages.backends.s3boto3.S3Boto3Storage", "media.example.org")
    assert probe["bucket"] == "publication-media"
    assert probe["cover_url"] == "https://media.example.org/covers/spines.jpg"
    assert probe["image_sources"] == [
        "'self'",
        "https://media.example.org",
        "https://objects.example.org",
    ]
