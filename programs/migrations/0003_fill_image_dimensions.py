from django.db import migrations

from articles.images import fill_missing_dimensions


def fill(apps, schema_editor):
    fill_missing_dimensions(apps.get_model("programs", "Program"), "image")


class Migration(migrations.Migration):
    # Images saved before uploads kept their size had none stored.
    dependencies = [("programs", "0002_safe_image_field")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
