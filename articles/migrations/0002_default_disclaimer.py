import datetime

from django.db import migrations

# Frozen copy: later edits to the model's constant must not rewrite history.
DEFAULT_DISCLAIMER = (
    "Everything published here is for education and information only. It is not medical "
    "advice, diagnosis or treatment, and it does not replace the care of a qualified "
    "professional: consult a physician before taking any supplement or substance. "
    "Psilocybin, LSD, MDMA and most other psychedelics are Schedule I controlled "
    "substances under US federal law, and that law is enforced in nearly all states. "
    "Check the laws where you live. You are responsible for your own choices, and the "
    "publisher accepts no liability for them or for what follows from them."
)


def create_defaults(apps, schema_editor):
    Disclaimer = apps.get_model("articles", "Disclaimer")
    Publication = apps.get_model("articles", "Publication")
    if not Disclaimer.objects.exists():
        Disclaimer.objects.create(
            text=DEFAULT_DISCLAIMER, effective_from=datetime.date(2024, 1, 1)
        )
    Publication.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
