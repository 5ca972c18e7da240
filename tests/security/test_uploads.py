"""Uploads: checked before decoding, re-encoded on save without metadata, renamed by the
server. Driven through the admin, the way staff upload."""

import io
import struct
import zlib
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from articles.images import SafeImageField
from articles.models import Author
from tests.factories import make_author

pytestmark = pytest.mark.django_db

GPS_SECRET = "N 52 31 12"


def photo_with_metadata(image_format="JPEG", size=(40, 20), orientation=None):
    """A picture carrying EXIF (with a GPS position), a comment and XMP, as phones and
    editing programs write them."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.ImageDescription] = GPS_SECRET
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    # A blue block in one corner shows whether the orientation was applied.
    image.paste((0, 0, 255), (0, 0, 8, 8))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home address</x:xmpmeta>'
    options = {"exif": exif.tobytes(), "xmp": xmp}
    if image_format == "JPEG":
        options["comment"] = b"secret comment"
    if image_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret comment")
        options["pnginfo"] = info
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def author_form(photo, **overrides):
    return {"name": "Maya Lindqvist", "slug": "maya", "credentials": "", "bio": "", "photo": photo}


def add_author(staff_client, photo):
    return staff_client.post(reverse("admin:articles_author_add"), author_form(photo))


def stored_bytes(field_file):
    with default_storage.open(field_file.name, "rb") as handle:
        return handle.read()


def assert_no_metadata(data):
    for secret in [b"PhoneMaker", GPS_SECRET.encode(), b"secret comment", b"home address"]:
        assert secret not in data, secret
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), dict(image.getexif())
        assert "exif" not in image.info
        assert "xmp" not in image.info
        assert "comment" not in image.info


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_uploaded_photo_is_stored_without_exif_gps_comments_or_xmp(staff_client, image_format):
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    original = photo_with_metadata(image_format)
    assert GPS_SECRET.encode() in original  # the test file really carries it

    response = add_author(staff_client, upload(original, f"IMG_0001.{extension}"))

    assert response.status_code == HTTPStatus.FOUND, response.content
    author = Author.objects.get(slug="maya")
    data = stored_bytes(author.photo)
    assert_no_metadata(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == image_format
        assert image.size == (40, 20)


def test_phone_photo_keeps_its_right_way_up_once_exif_is_gone(staff_client):
    # Orientation 6: the camera was turned, viewers rotate the picture 90° clockwise.
    add_author(staff_client, upload(photo_with_metadata(orientation=6)))

    data = stored_bytes(Author.objects.get().photo)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (20, 40)
        # The blue corner (top left in the sensor's frame) is now at the top right.
        red, _green, blue = image.convert("RGB").getpixel((16, 3))
        assert blue > 150 and red < 100
    assert_no_metadata(data)


def test_file_name_is_chosen_by_the_server(staff_client):
    png = photo_with_metadata("PNG")
    add_author(staff_client, upload(png, "../../etc/passwd .php.jpg", "image/jpeg"))

    name = Author.objects.get().photo.name
    folder, file_name = name.split("/")
    assert folder == "authors"
    # The real format's extension, the original's words made safe, and a random part.
    assert file_name.endswith(".png")
    assert file_name.startswith("passwd-php-")
    assert ".." not in name and " " not in name


def test_two_uploads_with_the_same_name_never_share_a_file():
    first, second = make_author(), make_author()
    first.photo.save("portrait.jpg", upload(photo_with_metadata()))
    second.photo.save("portrait.jpg", upload(photo_with_metadata()))
    assert first.photo.name != second.photo.name


def test_saving_from_code_also_strips_metadata():
    author = make_author()
    author.photo.save("from-a-script.jpg", upload(photo_with_metadata()))
    assert_no_metadata(stored_bytes(author.photo))


def test_transparent_png_stays_transparent():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, format="PNG")
    author = make_author()
    author.photo.save("logo.png", upload(buffer.getvalue(), "logo.png", "image/png"))
    with Image.open(io.BytesIO(stored_bytes(author.photo))) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((5, 5))[3] == 0


def animated_gif(frames=3, size=(8, 8), comment=b"secret comment"):
    buffer = io.BytesIO()
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    images = [Image.new("RGB", size, colors[number % 3]) for number in range(frames)]
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=[100, 200, 300][:frames] + [50] * max(0, frames - 3),
        loop=0,
        comment=comment,
    )
    return buffer.getvalue()


def test_animated_gif_stays_animated_without_its_comment(staff_client):
    response = add_author(staff_client, upload(animated_gif(), "wave.gif", "image/gif"))

    assert response.status_code == HTTPStatus.FOUND, response.content
    data = stored_bytes(Author.objects.get().photo)
    assert b"secret comment" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.n_frames == 3
        durations = []
        for frame in range(3):
            image.seek(frame)
            durations.append(image.info["duration"])
        assert durations == [100, 200, 300]


def png_header_only(width, height):
    """A PNG whose header claims `width` by `height`: enough for Pillow to read the size,
    and a decompression bomb if anyone decoded it."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def assert_refused(response, message):
    assert response.status_code == HTTPStatus.OK
    assert not Author.objects.exists()
    assert message in response.content.decode(), response.content.decode()[-3000:]


def test_more_than_40_megapixels_is_refused_without_decoding(staff_client):
    response = add_author(staff_client, upload(png_header_only(10_000, 5_000), "big.png"))
    assert_refused(response, "This image has 50 megapixels; the most accepted is 40.")


def test_pixels_of_all_animation_frames_count_together(staff_client, settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    gif = animated_gif(frames=20, size=(250, 250))
    response = add_author(staff_client, upload(gif, "long.gif", "image/gif"))
    assert_refused(response, "across its 20 frames; the most accepted is 1.")


def test_an_animation_of_more_than_1000_frames_is_refused_however_small(staff_client):
    """Tiny frames pass the pixel limit, but each costs time to check and re-encode:
    10 MB of them held the save for minutes, until the server gave up on it."""
    gif = animated_gif(frames=1001, size=(2, 2))
    response = add_author(staff_client, upload(gif, "flicker.gif", "image/gif"))
    assert_refused(response, "This animation has 1,001 frames; the most accepted is 1,000.")


def test_more_than_10_megabytes_is_refused_before_looking_at_the_content(staff_client):
    eleven_megabytes = b"\0" * (11 * 1024 * 1024)
    response = add_author(staff_client, upload(eleven_megabytes, "huge.jpg"))
    assert_refused(response, "This image is 11.0\xa0MB; the largest accepted is 10.0\xa0MB.")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
        ),
        (
            b"<?php system($_GET['c']); ?>",
            "photo.jpg",
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
        ),
    ],
)
def test_files_that_are_not_raster_images_are_refused(staff_client, data, name, message):
    assert_refused(add_author(staff_client, upload(data, name)), message)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_an_image_cut_short_is_refused_with_the_form_kept(staff_client, image_format):
    """A photo whose download did not finish has a sound header; saving it failed with a
    server error, and everything typed in the form was lost."""
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 64).convert("RGB").save(buffer, format=image_format)
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 3]
    response = add_author(staff_client, upload(cut, f"half.{image_format.lower()}"))
    assert_refused(response, "This image is damaged or incomplete")
    assert 'value="Maya Lindqvist"' in response.content.decode()


def test_other_raster_formats_are_refused_by_name(staff_client):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    response = add_author(staff_client, upload(buffer.getvalue(), "scan.bmp", "image/bmp"))
    assert_refused(response, "BMP images are not accepted. Upload a JPEG, PNG, WebP or GIF.")


def test_file_picker_offers_only_the_accepted_formats(staff_client):
    html = staff_client.get(reverse("admin:articles_author_add")).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html


def test_every_uploaded_file_field_in_the_project_is_a_safe_image_field():
    """Covers, author photos, program images and any field added later."""
    project_apps = {"articles", "programs", "comments"}
    file_fields = [
        field
        for model in apps.get_models()
        if model._meta.app_label in project_apps
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields, "no upload field found"
    unsafe = [str(field) for field in file_fields if not isinstance(field, SafeImageField)]
    assert not unsafe
