"""Kept versions of articles and programs: django-reversion stores each admin save of one,
with its inline rows (bylines, sources, update notes; a program's modules, questions and
testimonials), and the admin lists them under History and restores one.

What this adds to the library: the state a row was in before its first recorded change,
and what an earlier version would change if it were restored, in words staff read.
"""

import datetime
import difflib
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django_prose_editor.fields import ProseEditorField
from reversion.models import Version

from .html import html_to_text

BEFORE_VERSIONS_COMMENT = "As it was before its versions were kept."
# In a long text, unchanged words this far from a change are left out of the comparison.
CONTEXT_WORDS = 12


def version_keep_unrecorded(*, instance: models.Model) -> bool:
    """Keep `instance` as it is now, with its inline rows, if no version of it is kept yet.

    Called before a change is saved: a row made before versions were kept (or outside the
    admin, by `seed_demo` or an import) would otherwise lose the text the change replaces.
    Dated when the row was last saved, by nobody known. Returns whether one was kept."""
    if Version.objects.get_for_object(instance).exists():
        return False
    with reversion.create_revision():
        reversion.set_date_created(instance.updated_at)
        reversion.set_comment(BEFORE_VERSIONS_COMMENT)
        reversion.add_to_revision(instance)
    return True


@dataclass
class Difference:
    """One field, or one kind of inline row, that restoring a version would change."""

    label: str
    now: str = ""
    kept: str = ""
    # Text fields: the words as ("same" | "now" | "kept", text) runs, "now" being words
    # restoring takes out and "kept" words it brings back.
    words: list[tuple[str, str]] = field(default_factory=list)
    # Inline rows: what restoring does to them, in sentences.
    rows: list[str] = field(default_factory=list)


def version_forget_deleted(*, model, pk, inlines) -> None:
    """Take out of the row `pk`, just written back from a kept version, what that version
    names and has been deleted since: a topic or a related article (the links would point
    at nothing, and the database refuses the restore), and inline rows naming a deleted
    row (a byline of an author who left). `inlines` are as for `version_differences`."""
    for link_field in model._meta.many_to_many:
        link = link_field.remote_field.through
        if link._meta.auto_created:
            own = link._meta.get_field(link_field.m2m_field_name())
            other = link._meta.get_field(link_field.m2m_reverse_field_name())
            _naming_deleted(link._default_manager.filter(**{own.attname: pk}), other).delete()
    for _label, key in inlines:
        rows = key.model._default_manager.filter(**{key.attname: pk})
        for other in _other_keys(key):
            _naming_deleted(rows, other).delete()


def _other_keys(key):
    """The foreign keys of an inline row besides the one to its object."""
    return [
        model_field
        for model_field in key.model._meta.concrete_fields
        if model_field.many_to_one and model_field != key
    ]


def _naming_deleted(rows, key):
    """Those of `rows` whose foreign `key` names a row that no longer exists."""
    existing = key.related_model._base_manager.values(key.target_field.attname)
    return rows.filter(**{f"{key.attname}__isnull": False}).exclude(
        **{f"{key.attname}__in": existing}
    )


def version_differences(live, version: Version, inlines) -> list[Difference]:
    """What restoring `version` would change in `live`: its fields in the model's order,
    then its inline rows. `inlines` are (label, foreign key) pairs, the key by which the
    admin's inline rows of that label point at `live`."""
    differences = []
    kept_fields = version.field_dict
    for model_field in live._meta.get_fields():
        if not (
            getattr(model_field, "concrete", False)
            and model_field.editable
            and not model_field.primary_key
            and model_field.attname in kept_fields
        ):
            continue
        now, kept = _value(live, model_field), kept_fields[model_field.attname]
        if model_field.many_to_many:
            # Those deleted since do not come back (`version_forget_deleted`).
            kept = set(
                model_field.related_model._base_manager.filter(pk__in=kept).values_list(
                    "pk", flat=True
                )
            )
        if _comparable(now) == _comparable(kept):
            continue
        difference = Difference(label=capfirst(model_field.verbose_name))
        if isinstance(model_field, (models.CharField, models.TextField)):
            difference.words = _word_changes(
                _shown(model_field, now) if now else "", _shown(model_field, kept) if kept else ""
            )
        else:
            difference.now, difference.kept = _shown(model_field, now), _shown(model_field, kept)
        differences.append(difference)
    kept_rows = version.revision.version_set.exclude(pk=version.pk)
    for label, key in inlines:
        if rows := _row_changes(live, key, kept_rows):
            differences.append(Difference(label=capfirst(label), rows=rows))
    return differences


def _value(instance, model_field):
    if model_field.many_to_many:
        return set(getattr(instance, model_field.name).values_list("pk", flat=True))
    return getattr(instance, model_field.attname)


def _comparable(value):
    # To the second, as the admin's form shows and saves times: a version keeps them to
    # the millisecond (JSON), a row made outside the admin to the microsecond.
    if isinstance(value, datetime.datetime | datetime.time):
        return value.replace(microsecond=0)
    return value


def _shown(model_field, value) -> str:
    """A field's value as the form shows it to staff, in plain text."""
    if value in (None, "") or (model_field.many_to_many and not value):
        return "—"
    related = model_field.related_model
    if model_field.many_to_many:
        return ", ".join(
            sorted(str(item) for item in related._default_manager.filter(pk__in=value))
        )
    if model_field.is_relation:
        item = related._default_manager.filter(pk=value).first()
        return str(item) if item is not None else "(since deleted)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(model_field, ProseEditorField):
        return html_to_text(value)
    return str(value)


def _word_changes(now: str, kept: str) -> list[tuple[str, str]]:
    now_words, kept_words = now.split(), kept.split()
    matcher = difflib.SequenceMatcher(None, now_words, kept_words, autojunk=False)
    runs = []
    for operation, now_start, now_end, kept_start, kept_end in matcher.get_opcodes():
        if operation == "equal":
            same = now_words[now_start:now_end]
            if len(same) > 3 * CONTEXT_WORDS:
                # The words around a change are enough to find it in the text.
                head = same[:CONTEXT_WORDS] if runs else []
                tail = same[-CONTEXT_WORDS:] if now_end < len(now_words) else []
                same = [*head, "…", *tail]
            runs.append(("same", " ".join(same)))
            continue
        if now_end > now_start:
            runs.append(("now", " ".join(now_words[now_start:now_end])))
        if kept_end > kept_start:
            runs.append(("kept", " ".join(kept_words[kept_start:kept_end])))
    return runs


def _row_changes(live, key, kept_rows) -> list[str]:
    """What restoring does to one kind of inline row, by the names staff know them by."""
    model = key.model
    compared = [
        model_field.attname
        for model_field in model._meta.concrete_fields
        if model_field.editable and not model_field.primary_key and model_field != key
    ]
    kept, gone = {}, []
    for row in kept_rows.filter(content_type=ContentType.objects.get_for_model(model)):
        if row.field_dict.get(key.attname) != live.pk:
            continue
        if _names_deleted(row.field_dict, _other_keys(key)):
            gone.append(row.object_repr)  # `version_forget_deleted` leaves it out
            continue
        kept[row.object_id] = (
            row.object_repr,
            {name: _comparable(row.field_dict.get(name)) for name in compared},
        )
    now = {
        str(row.pk): (str(row), {name: _comparable(getattr(row, name)) for name in compared})
        for row in model._default_manager.filter(**{key.name: live})
    }
    sentences = []
    if back := [kept[pk][0] for pk in kept if pk not in now]:
        sentences.append("Brings back " + _names(back) + ".")
    if out := [now[pk][0] for pk in now if pk not in kept]:
        sentences.append("Takes out " + _names(out) + ".")
    if changed := [kept[pk][0] for pk in kept if pk in now and kept[pk][1] != now[pk][1]]:
        sentences.append("Puts back the earlier details of " + _names(changed) + ".")
    if gone:
        sentences.append("Leaves out " + _names(gone) + ": deleted since.")
    return sentences


def _names_deleted(values, keys) -> bool:
    """Whether any of `keys` in a kept row's `values` names a row deleted since."""
    return any(
        values.get(key.attname) is not None
        and not key.related_model._base_manager.filter(
            **{key.target_field.attname: values[key.attname]}
        ).exists()
        for key in keys
    )


def _names(names):
    return ", ".join(f"“{name}”" for name in names)
