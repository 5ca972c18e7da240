"""The staff roles the site ships with, so that whoever runs it gives a colleague a job by
ticking one group, not by choosing among seventy permissions. Made once, here: after
that the groups are the publisher's to change, rename or delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

# Written out here, as they were when made: a migration must not change with the code.
ROLES = {
    # Writes and publishes articles and programs, and keeps the site's own texts. Deleting
    # an article deletes its comments, hence that one comment permission.
    "Editors": {
        "articles.article": ALL,
        "articles.articleauthor": ALL,
        "articles.articleupdate": ALL,
        "articles.source": ALL,
        "articles.author": ALL,
        "articles.topic": ALL,
        "articles.redirect": ALL,
        "articles.publication": ("change", "view"),
        "articles.disclaimer": ALL,
        "programs.program": ALL,
        "programs.module": ALL,
        "programs.faq": ALL,
        "programs.testimonial": ALL,
        "programs.programclick": ("view",),
        "comments.comment": ("delete", "view"),
    },
    # Approves, marks as spam and removes comments, and keeps the moderation lists.
    "Moderators": {
        "comments.comment": ("change", "delete", "view"),
        "comments.moderationterm": ALL,
        "comments.commentsettings": ("change", "view"),
    },
}


def make_roles(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        if Group.objects.filter(name=name).exists():
            continue
        group = Group.objects.create(name=name)
        for model, actions in grants.items():
            app_label, model_name = model.split(".")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model_name}" for action in actions],
                )
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_public_address"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("comments", "0003_comment_body_html"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0004_price_three_decimals"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
