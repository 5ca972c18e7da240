"""The staff roles the site ships with, so that whoever runs it gives a colleague a job
by ticking one group, not by choosing among seventy permissions.

The groups are created after `migrate` when they do not exist yet; once there, they are
the publisher's to change, and a later `migrate` leaves them as they are.
"""

from django.contrib.auth.models import Group, Permission

ALL = ("add", "change", "delete", "view")

ROLES = {
    # Writes and publishes articles and programs, and keeps the site's own texts.
    "Editors": {
        "articles.article": ALL,
        "articles.articleauthor": ALL,
        "articles.articleupdate": ALL,
        "articles.source": ALL,
        "articles.author": ALL,
        "articles.topic": ALL,
        "articles.redirect": ALL,
        "articles.publication": ("change", "view"),
        "articles.disclaimer": ("add", "change", "delete", "view"),
        "programs.program": ALL,
        "programs.module": ALL,
        "programs.faq": ALL,
        "programs.testimonial": ALL,
        "programs.programclick": ("view",),
        "comments.comment": ("view",),
    },
    # Approves, marks as spam and removes comments, and keeps the moderation lists.
    "Moderators": {
        "comments.comment": ("change", "delete", "view"),
        "comments.moderationterm": ALL,
        "comments.commentsettings": ("change", "view"),
        "articles.article": ("view",),
    },
}


def ensure_staff_roles(**kwargs):
    """post_migrate receiver: create each role that does not exist yet, once every
    permission it grants exists (each app's are made after that app's migrations)."""
    for name, grants in ROLES.items():
        if Group.objects.filter(name=name).exists():
            continue
        wanted = [
            (model.split(".")[0], f"{action}_{model.split('.')[1]}")
            for model, actions in grants.items()
            for action in actions
        ]
        found = Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app_label for app_label, _ in wanted},
            codename__in={codename for _, codename in wanted},
        )
        permissions = [
            permission
            for permission in found
            if (permission.content_type.app_label, permission.codename) in set(wanted)
        ]
        if len(permissions) == len(wanted):
            Group.objects.create(name=name).permissions.set(permissions)
