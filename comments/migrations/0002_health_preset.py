"""The health preset of moderation lists: staff edit or delete any entry in the admin."""

from django.db import migrations

HOLD_WORDS = [
    # Dosing amounts and schedules.
    ("# mg", "dosing amount"),
    ("# mcg", "dosing amount"),
    ("# µg", "dosing amount"),
    ("# ug", "dosing amount"),
    ("# g", "dosing amount"),
    ("# grams", "dosing amount"),
    ("# gram", "dosing amount"),
    ("# ml", "dosing amount"),
    ("# drops", "dosing amount"),
    ("# caps", "dosing amount"),
    ("# capsules", "dosing amount"),
    ("# tabs", "dosing amount"),
    ("milligram*", "dosing amount"),
    ("microgram*", "dosing amount"),
    ("dosage", "dosing advice"),
    ("dosing", "dosing advice"),
    ("how much should i take", "dosing advice"),
    ("how much to take", "dosing advice"),
    ("heroic dose", "dosing advice"),
    ("macrodose", "dosing advice"),
    ("stamets stack", "dosing advice"),
    ("fadiman protocol", "dosing advice"),
    # Buying and sourcing.
    ("where to buy", "sourcing"),
    ("where can i buy", "sourcing"),
    ("where do i buy", "sourcing"),
    ("where to get", "sourcing"),
    ("where can i get", "sourcing"),
    ("buy online", "sourcing"),
    ("order online", "sourcing"),
    ("sourcing", "sourcing"),
    ("my source", "sourcing"),
    ("a source for", "sourcing"),
    ("reliable source", "sourcing"),
    ("trusted source", "sourcing"),
    ("legit vendor*", "sourcing"),
    ("vendor*", "vendor"),
    ("supplier*", "vendor"),
    ("dispensary", "vendor"),
    ("shroom shop", "vendor"),
    ("smart shop", "vendor"),
    ("spore syringe*", "growing"),
    ("grow kit*", "growing"),
    ("ships discreetly", "vendor"),
    ("discreet shipping", "vendor"),
    ("dark web", "sourcing"),
    ("darknet", "sourcing"),
    ("telegram", "contact off the site"),
    ("wickr", "contact off the site"),
    ("whatsapp", "contact off the site"),
    ("dm me", "contact off the site"),
    ("bitcoin", "payment"),
    ("discount code", "advertising"),
    ("promo code", "advertising"),
    # Stopping prescribed treatment.
    ("stop taking your", "medical advice"),
    ("instead of your meds", "medical advice"),
    ("off your meds", "medical advice"),
]

BLOCK_WORDS = [
    ("viagra", "spam"),
    ("cialis", "spam"),
    ("casino", "spam"),
    ("payday loan*", "spam"),
    ("escort service*", "spam"),
    ("seo service*", "spam"),
    ("backlink*", "spam"),
    ("buy followers", "spam"),
]


def add_preset(apps, schema_editor):
    ModerationTerm = apps.get_model("comments", "ModerationTerm")
    for kind, entries in (("hold_word", HOLD_WORDS), ("block_word", BLOCK_WORDS)):
        for value, note in entries:
            ModerationTerm.objects.get_or_create(
                kind=kind, value=value, defaults={"note": f"Health preset: {note}"}
            )


def remove_preset(apps, schema_editor):
    ModerationTerm = apps.get_model("comments", "ModerationTerm")
    for kind, entries in (("hold_word", HOLD_WORDS), ("block_word", BLOCK_WORDS)):
        ModerationTerm.objects.filter(kind=kind, value__in=[value for value, _ in entries]).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [migrations.RunPython(add_preset, remove_preset)]
