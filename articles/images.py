"""Checks for images that staff upload (covers, author photos, program images)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image_upload(file) -> None:
    """Refuse files that are too large, too many pixels, or not a raster image we accept.

    The byte size is checked before Pillow reads anything, and only the header is read to
    learn the dimensions, so a decompression bomb is refused without being decoded.
    """
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; the largest accepted is %(max)s.",
            code="too_large",
            params={"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        image_format, width, height = None, settings.MAX_IMAGE_PIXELS + 1, 1
    except Exception as error:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_image",
        ) from error
    finally:
        file.seek(position)
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            "This image has %(pixels)s megapixels; the most accepted is %(max)s.",
            code="too_many_pixels",
            params={
                "pixels": round(width * height / 1_000_000),
                "max": settings.MAX_IMAGE_PIXELS // 1_000_000,
            },
        )
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_format",
            params={"format": image_format},
        )
