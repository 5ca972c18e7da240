"""Images that staff upload (article covers, author photos, program images).

Every upload is checked before it is decoded, then re-encoded by Pillow when it is saved:
what is stored is pixels we wrote ourselves, without the EXIF block (camera, date, GPS
position), comments or XMP that came with the file, under a name the server chose.

Use `SafeImageField` for any new image field:

    from articles.images import SafeImageField

    photo = SafeImageField(upload_to="programs/", blank=True)
"""

import io
import math
import posixpath
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import get_image_dimensions
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import ExifTags, Image, ImageOps, ImageSequence

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
FORMATS_HINT = "Upload a JPEG, PNG, WebP or GIF."
# Metadata that changes how the picture looks, and so survives re-encoding.
KEPT_INFO = {"icc_profile", "transparency", "background", "loop", "duration", "disposal"}


def validate_image_upload(file) -> None:
    """Refuse files that are too large, too many pixels or frames, or not a raster image
    we accept.

    The byte size is checked before Pillow reads anything, and only the header is read to
    learn the dimensions, so a decompression bomb is refused without being decoded. The
    frames of an animation count together: a thousand small frames are as heavy as one
    huge picture, and past MAX_IMAGE_FRAMES each frame's own cost outweighs its pixels.
    """
    if getattr(file, "_committed", False):
        # Already in storage: it was checked when it was uploaded, and reading it again
        # would download it from object storage on every save of its article.
        return
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; the largest accepted is %(max)s.",
            code="too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
            frames = getattr(image, "n_frames", 1) if image_format in ALLOWED_FORMATS else 1
    except Image.DecompressionBombError:
        image_format, width, height, frames = None, settings.MAX_IMAGE_PIXELS + 1, 1, 1
    except Exception as error:
        raise ValidationError(
            "This file is not an image we can read. " + FORMATS_HINT, code="invalid_image"
        ) from error
    finally:
        file.seek(position)
    if frames > settings.MAX_IMAGE_FRAMES:
        raise ValidationError(
            "This animation has %(frames)s frames; the most accepted is %(max)s. Shorten it, "
            "or lower its frame rate, first.",
            code="too_many_frames",
            params={"frames": f"{frames:,}", "max": f"{settings.MAX_IMAGE_FRAMES:,}"},
        )
    pixels = width * height * frames
    if pixels > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            "This image has %(pixels)s megapixels%(frames)s; the most accepted is %(max)s. "
            "Make it smaller first, to %(width)s by %(height)s pixels or less (2,400 pixels "
            "across is plenty for any screen).",
            code="too_many_pixels",
            params={
                "pixels": round(pixels / 1_000_000),
                "frames": f" across its {frames} frames" if frames > 1 else "",
                "max": settings.MAX_IMAGE_PIXELS // 1_000_000,
                **_fitting_size(width, height, settings.MAX_IMAGE_PIXELS // frames),
            },
        )
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. " + FORMATS_HINT,
            code="invalid_format",
            params={"format": image_format or "These"},
        )
    # The header does not show a file cut short (a download that did not finish): only
    # decoding every frame does, and here it can be a message instead of a failed save.
    # The pixel limit above keeps the decoding bounded.
    try:
        with Image.open(file) as image:
            for frame in ImageSequence.Iterator(image):
                frame.load()
    except MemoryError:
        raise  # the server's trouble, not the file's
    except Exception as error:
        raise ValidationError(
            "This image is damaged or incomplete (perhaps its download did not finish). "
            "Please choose it again, or another.",
            code="damaged_image",
        ) from error
    finally:
        file.seek(position)


def reencode_image(file) -> tuple[bytes, str]:
    """The picture in `file` written afresh, and its file extension.

    The format stays the same (a GIF stays animated, a PNG keeps its transparency); the
    EXIF orientation is applied to the pixels before EXIF is dropped, so a phone photo
    keeps its right way up.
    """
    validate_image_upload(file)
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format = image.format
            buffer = io.BytesIO()
            if getattr(image, "is_animated", False):
                _save_animation(image, buffer)
            else:
                _save_still(image, buffer)
    finally:
        file.seek(position)
    return buffer.getvalue(), EXTENSIONS[image_format]


def _kept_info(info) -> dict:
    return {key: value for key, value in info.items() if key in KEPT_INFO}


def _save_still(image, buffer) -> None:
    image_format = image.format
    upright = ImageOps.exif_transpose(image)
    upright.info = _kept_info(image.info)
    # Nothing but the colour profile is carried over: EXIF, XMP and comments stay behind.
    options = {"icc_profile": upright.info.get("icc_profile"), "comment": b""}
    if image_format == "JPEG":
        rotated = upright.size != image.size or _orientation(image) not in (None, 1)
        if rotated:
            options |= {"quality": 90, "optimize": True, "progressive": True}
            upright.save(buffer, format="JPEG", **options)
        else:
            # Same quantisation tables as the original: no visible loss from re-encoding.
            image.info = _kept_info(image.info)
            options |= {"quality": "keep", "subsampling": "keep", "optimize": True}
            image.save(buffer, format="JPEG", **options)
    elif image_format == "WEBP":
        upright.save(buffer, format="WEBP", quality=90, **options)
    else:
        upright.save(buffer, format=image_format, optimize=True, **options)


def _orientation(image):
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except Exception:
        return None


def _save_animation(image, buffer) -> None:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        copy = frame.copy()
        copy.info = _kept_info(frame.info)
        frames.append(copy)
    first, *rest = frames
    options = {
        "save_all": True,
        "append_images": rest,
        "duration": durations,
        "loop": image.info.get("loop", 0),
        "comment": b"",
    }
    if image.format == "WEBP":
        options |= {"quality": 90}
    first.save(buffer, format=image.format, **options)


def server_file_name(original_name: str, extension: str) -> str:
    """A name the server chose: the original's words, made safe, and a random part so
    names never collide or reveal what else was uploaded; the extension is the real
    format's, whatever the upload claimed."""
    stem = slugify(posixpath.splitext(posixpath.basename(original_name or ""))[0])[:40]
    return f"{stem.strip('-') or 'image'}-{secrets.token_hex(4)}.{extension}"


class SafeImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every way of storing a new file passes here: admin forms, shell, fixtures' code.
        data, extension = reencode_image(content)
        stored_name = server_file_name(name, extension)
        # Named, so the width and height fields are read from it: a nameless file would
        # leave them empty, and every page would open the image to learn its size.
        super().save(stored_name, ContentFile(data, name=stored_name), save)


class SafeImageFormField(forms.ImageField):
    """The form side: our size and pixel checks run before Django's own image check,
    which would otherwise decode the file first."""

    def to_python(self, data):
        if data and hasattr(data, "size"):
            validate_image_upload(data)
        return super().to_python(data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs or not widget.is_hidden:
            attrs["accept"] = ACCEPT
        return attrs


class SafeImageField(models.ImageField):
    """An image field whose uploads are checked (`validate_image_upload`) and re-encoded
    on save (`reencode_image`) under a server-chosen name."""

    attr_class = SafeImageFieldFile
    default_validators = [validate_image_upload]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})


def fill_missing_dimensions(model, field_name):
    """Store the width and height of images saved without them (before uploads kept
    their size), so pages stop opening those files to learn it. A missing file is
    left as it is."""
    field = model._meta.get_field(field_name)
    missing = (
        model.objects.exclude(**{field_name: ""})
        .filter(**{f"{field.width_field}__isnull": True})
        .values_list("pk", field_name)
    )
    for pk, name in missing.iterator():
        try:
            with field.storage.open(name, "rb") as file:
                width, height = get_image_dimensions(file)
        except OSError:
            continue
        model.objects.filter(pk=pk).update(**{field.width_field: width, field.height_field: height})


def _fitting_size(width, height, pixels):
    """The image's own shape scaled down to at most `pixels`, rounded down, for the
    message that asks staff to resize it."""
    scale = math.sqrt(pixels / (width * height))
    return {"width": f"{math.floor(width * scale):,}", "height": f"{math.floor(height * scale):,}"}
