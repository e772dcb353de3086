"""Levels (tingkat) as the admin edits them in the app: add, rename, reorder, set the parent
level, and remove a level nothing uses. Its code is fixed once units, questionnaires or
periods refer to it (workbooks and imports name levels by code)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from award.models import Level


def level_in_use(*, level: Level) -> bool:
    """Whether anything refers to the level: its units, child levels or questionnaires."""
    if level.pk is None:
        return False
    if level.units.exists() or level.child_levels.exists():
        return True
    return any(
        relation.related_model.objects.filter(**{relation.field.name: level}).exists()
        for relation in Level._meta.related_objects
        if relation.name not in ("units", "child_levels")
        and not relation.many_to_many
        and relation.related_model.__module__.startswith(("evaluasi", "award"))
    )


@transaction.atomic
def level_save(*, level: Level | None = None, code: str, name: str, order: int, parent_level):
    """Create or change a level; refuses a changed code on a level in use and a parent chain
    that comes back to the level itself."""
    level = Level.objects.select_for_update().get(pk=level.pk) if level else Level()
    if level.pk and code != level.code and level_in_use(level=level):
        raise ValidationError(
            {"code": _("The code of a level in use cannot change (workbooks name it).")}
        )
    ancestor = parent_level
    while ancestor is not None:
        if level.pk and ancestor.pk == level.pk:
            raise ValidationError(
                {"parent_level": _("The parent levels would go round in a circle.")}
            )
        ancestor = ancestor.parent_level
    level.code, level.name, level.order, level.parent_level = code, name, order, parent_level
    level.full_clean()
    level.save()
    return level


def level_delete(*, level: Level) -> None:
    """Remove a level nothing refers to."""
    if level_in_use(level=level):
        raise ValidationError(
            _("Level %(level)s is in use and cannot be removed.") % {"level": level}
        )
    try:
        level.delete()
    except ProtectedError as error:  # a reference made between the check and the delete
        raise ValidationError(
            _("Level %(level)s is in use and cannot be removed.") % {"level": level}
        ) from error
