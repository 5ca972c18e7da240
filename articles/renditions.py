"""Responsive image renditions, made once when an image is saved.

Each uploaded image gets WebP copies and JPEG fallbacks at a few widths, stored next to
the original in the same storage (local files or object storage). Pages then name them in
`srcset` without opening any file: the names follow from the original's name alone.

Plain Pillow is used rather than a thumbnail library: sorl-thumbnail and easy-thumbnails
create thumbnails on first use in a template and look each one up in a key-value store or
the database on every render, which would add queries to every page; here the set of
renditions is fixed and known in advance.
"""

import io
import logging
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

WIDTHS = (480, 800, 1200, 1600)
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}


def rendition_name(original_name: str, width: int, extension: str) -> str:
    stem, _ = posixpath.splitext(original_name)
    return f"renditions/{stem}-{width}w.{extension}"


# EXIF orientations that turn the stored image a quarter: its width shows as height.
ORIENTATION_TAG = 0x0112
ROTATED_ORIENTATIONS = {5, 6, 7, 8}


# Pillow's modes for 16-bit greyscale (as PNG stores it) and 32-bit integer pixels.
SIXTEEN_BIT_GREY = {"I", "I;16", "I;16B", "I;16L", "I;16N"}


def widths_for(original_width: int | None) -> list[int]:
    """The rendition widths for an image: never upscaled, always at least one."""
    if not original_width:
        return []
    if original_width >= WIDTHS[-1]:
        return list(WIDTHS)
    return [*(width for width in WIDTHS if width < original_width), original_width]


def make_renditions(field_file, storage=None) -> list[str]:
    """Write every rendition of `field_file`; existing ones are kept. Returns their names."""
    storage = storage or default_storage
    if not field_file:
        return []
    written = []
    field_file.open("rb")
    try:
        with Image.open(field_file) as source:
            # Every save of an article or author comes here; when its renditions are all
            # in place, the header (size and orientation) is all that is read.
            width, height = source.size
            if source.getexif().get(ORIENTATION_TAG) in ROTATED_ORIENTATIONS:
                width, height = height, width
            missing = {
                (target, extension): name
                for target in widths_for(width)
                for extension in FORMATS
                if not storage.exists(name := rendition_name(field_file.name, target, extension))
            }
            if not missing:
                return []
            source = ImageOps.exif_transpose(source)
            if source.mode in SIXTEEN_BIT_GREY:
                # Converting straight to RGB clips every value above 255 to white.
                source = source.convert("I").point(lambda value: value * (1 / 256)).convert("L")
            if source.mode not in ("RGB", "RGBA"):
                source = source.convert("RGBA" if source.has_transparency_data else "RGB")
            for target in widths_for(source.width):
                if not any((target, extension) in missing for extension in FORMATS):
                    continue
                resized = source.resize(
                    (target, round(source.height * target / source.width)),
                    Image.Resampling.LANCZOS,
                )
                for extension, (pillow_format, _) in FORMATS.items():
                    name = missing.get((target, extension))
                    if name is None:
                        continue
                    image = resized if pillow_format == "WEBP" else _on_white(resized)
                    buffer = io.BytesIO()
                    image.save(buffer, format=pillow_format, quality=80, optimize=True)
                    storage.save(name, ContentFile(buffer.getvalue()))
                    written.append(name)
    finally:
        field_file.close()
    return written


def _on_white(image):
    """JPEG has no transparency: see-through parts are laid on white, as on the page and
    in link previews, not left as the black that dropping the alpha channel gives."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def make_renditions_safely(field_file) -> None:
    """Like make_renditions, but a broken file only logs: the page falls back to the
    original image, and saving the object never fails because of a rendition."""
    try:
        make_renditions(field_file)
    except Exception:
        logger.exception("Could not make renditions of %s", getattr(field_file, "name", "?"))


def srcset(field_file, original_width, extension) -> str:
    return ", ".join(
        f"{default_storage.url(rendition_name(field_file.name, width, extension))} {width}w"
        for width in widths_for(original_width)
    )
