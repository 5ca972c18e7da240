import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from tests.factories import image_file, make_article, make_author
from tests.programs.factories import make_program

pytestmark = pytest.mark.django_db


def srcset_urls(html, kind):
    match = re.search(rf'<source type="image/{kind}" srcset="([^"]+)"', html)
    return [part.split()[0] for part in match.group(1).split(", ")] if match else []


def test_cover_gets_webp_and_jpeg_renditions_named_in_srcset(client, settings):
    article = make_article(cover_alt="Branching neurons")
    article.cover_image.save(
        "cover.jpg", image_file("cover.jpg", size=(1000, 500), image_format="JPEG")
    )
    html = client.get(article.get_absolute_url()).content.decode()

    webp = srcset_urls(html, "webp")
    assert [url.rsplit("-", 1)[1] for url in webp] == ["480w.webp", "800w.webp", "1000w.webp"]
    assert 'width="1000" height="500"' in html
    assert 'alt="Branching neurons"' in html
    assert "image/jpeg" not in html  # the fallback is the <img srcset>, not a <source>
    assert re.search(r'<img [^>]*srcset="[^"]*-480w\.jpg 480w', html)
    for url in webp:
        name = url.removeprefix(settings.MEDIA_URL)
        assert default_storage.exists(name), name


def test_list_cards_lazy_load_and_article_cover_loads_first(client):
    article = make_article(cover_alt="x")
    article.cover_image.save("c.png", image_file(size=(600, 300)))
    card_html = client.get("/articles/").content.decode()
    page_html = client.get(article.get_absolute_url()).content.decode()
    assert 'loading="lazy"' in card_html
    assert 'loading="eager" fetchpriority="high"' in page_html


def test_author_photo_is_shown_with_renditions(client):
    author = make_author(name="Maya Lindqvist", bio="Writes about synapses.")
    author.photo.save("maya.png", image_file(size=(500, 500)))
    article = make_article(authors=[author])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "About the author" in html
    assert "Writes about synapses." in html
    assert re.search(r"renditions/authors/maya[^\"]*-480w\.webp", html)


def test_small_images_are_never_upscaled():
    from articles.renditions import widths_for

    assert widths_for(300) == [300]
    assert widths_for(2400) == [480, 800, 1200, 1600]


def test_make_renditions_fills_in_missing_files_of_every_kind_of_image():
    article = make_article(cover_alt="x")
    article.cover_image.save("c.png", image_file(size=(900, 300)))
    program = make_program(image_alt="x")
    program.image.save("p.png", image_file(size=(900, 300)))
    missing = [
        f"renditions/{image.name.rsplit('.', 1)[0]}-480w.webp"
        for image in [article.cover_image, program.image]
    ]
    for name in missing:
        default_storage.delete(name)
    call_command("make_renditions")
    for name in missing:
        assert default_storage.exists(name), name


def test_a_missing_original_does_not_stop_the_others_getting_renditions(capsys):
    article = make_article(cover_alt="x")
    article.cover_image.save("gone.png", image_file(size=(900, 300)))
    program = make_program(image_alt="x")
    program.image.save("p.png", image_file(size=(900, 300)))
    wanted = f"renditions/{program.image.name.rsplit('.', 1)[0]}-480w.webp"
    default_storage.delete(wanted)
    default_storage.delete(article.cover_image.name)
    for name in default_storage.listdir("renditions/covers")[1]:
        default_storage.delete(f"renditions/covers/{name}")

    with pytest.raises(CommandError, match="1 image"):
        call_command("make_renditions")
    assert default_storage.exists(wanted)
    assert f"Could not read {article.cover_image.name}" in capsys.readouterr().err


def test_saving_again_leaves_complete_renditions_alone(monkeypatch):
    """Every save of an article reaches the renditions; when they are all there, nothing
    is decoded, resized or written (with object storage, each would be a download)."""
    article = make_article(cover_alt="x")
    article.cover_image.save("c.png", image_file(size=(900, 300)))
    name = article.cover_image.name.rsplit(".", 1)[0]
    written = default_storage.get_modified_time(f"renditions/{name}-800w.webp")

    resizes = []
    resize = Image.Image.resize
    monkeypatch.setattr(
        Image.Image,
        "resize",
        lambda image, *args, **kwargs: resizes.append(args) or resize(image, *args, **kwargs),
    )
    article.title = "A new title"
    article.save()
    assert resizes == []
    assert default_storage.get_modified_time(f"renditions/{name}-800w.webp") == written


def test_a_rotated_photo_gets_renditions_at_its_upright_width():
    """A phone photo stored sideways (EXIF orientation 6) is 300 wide once upright."""
    from articles.renditions import make_renditions

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (900, 300), (30, 110, 90)).save(buffer, format="JPEG", exif=exif)
    name = default_storage.save("covers/sideways.jpg", ContentFile(buffer.getvalue()))
    field_file = make_article(cover_alt="x").cover_image
    field_file.name = name
    assert [written.rsplit("-", 1)[1] for written in make_renditions(field_file)] == [
        "300w.webp",
        "300w.jpg",
    ]
    assert make_renditions(field_file) == []


def test_pages_give_image_sizes_without_opening_the_images(client):
    """The width and height are stored when an image is saved: with object storage,
    opening a cover or a photo on every page would be a download each time."""
    author = make_author()
    author.photo.save("maya.png", image_file(size=(500, 400)))
    article = make_article(authors=[author], cover_alt="x")
    article.cover_image.save("cover.jpg", image_file(size=(1000, 500), image_format="JPEG"))
    default_storage.delete(article.cover_image.name)
    default_storage.delete(author.photo.name)

    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<img [^>]*-480w\.jpg 480w[^>]*width="1000" height="500"', html)
    assert re.search(r'<img class="author-card__photo"[^>]*width="500" height="400"', html)


def test_images_saved_without_their_size_get_it_from_the_migration():
    from articles.images import fill_missing_dimensions
    from articles.models import Article

    kept = make_article(cover_alt="x")
    kept.cover_image.save("kept.png", image_file(size=(600, 300)))
    lost = make_article(cover_alt="x")
    lost.cover_image.save("lost.png", image_file(size=(600, 300)))
    default_storage.delete(lost.cover_image.name)
    Article.objects.update(cover_width=None, cover_height=None)

    fill_missing_dimensions(Article, "cover_image")
    sizes = dict(Article.objects.values_list("pk", "cover_width"))
    assert sizes == {kept.pk: 600, lost.pk: None}
    assert Article.objects.get(pk=kept.pk).cover_height == 300


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparent_parts_of_a_cover_are_white_in_its_jpeg_copies(mode):
    """The JPEG copies serve browsers without WebP and link previews (og:image)."""
    picture = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (200, 100, 400, 200))
    if mode == "LA":
        picture = picture.convert("LA")
    elif mode == "P":
        picture = picture.convert("P", palette=Image.Palette.ADAPTIVE)
        picture.info["transparency"] = picture.getpixel((0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", transparency=picture.info.get("transparency"))
    article = make_article(cover_alt="x")
    article.cover_image.save("see-through.png", ContentFile(buffer.getvalue()))

    name = article.cover_image.name.rsplit(".", 1)[0]
    with default_storage.open(f"renditions/{name}-480w.jpg") as file, Image.open(file) as copy:
        corner = copy.convert("RGB").getpixel((2, 2))
    assert min(corner) > 240, corner


def test_a_16_bit_greyscale_cover_keeps_its_greys_in_its_copies():
    """Scanned figures and microscope images often come as 16-bit PNGs."""
    gradient = Image.new("I;16", (512, 8))
    gradient.putdata([x * 128 for x in range(512)] * 8)
    buffer = io.BytesIO()
    gradient.save(buffer, format="PNG")
    article = make_article(cover_alt="x")
    article.cover_image.save("scan.png", ContentFile(buffer.getvalue()))

    name = article.cover_image.name.rsplit(".", 1)[0]
    for extension in ["jpg", "webp"]:
        rendition = f"renditions/{name}-480w.{extension}"
        with default_storage.open(rendition) as file, Image.open(file) as copy:
            middle = copy.convert("L").getpixel((240, 4))
        assert 100 < middle < 156, (extension, middle)
