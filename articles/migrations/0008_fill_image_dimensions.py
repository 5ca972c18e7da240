from django.db import migrations

from articles.images import fill_missing_dimensions


def fill(apps, schema_editor):
    fill_missing_dimensions(apps.get_model("articles", "Article"), "cover_image")
    fill_missing_dimensions(apps.get_model("articles", "Author"), "photo")


class Migration(migrations.Migration):
    # Images saved before uploads kept their size had none stored.
    dependencies = [("articles", "0007_author_photo_dimensions")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
