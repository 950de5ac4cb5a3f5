"""Database helpers shared by every app's models."""

from django.db import models
from django.db.models import Q


def choices_check(field: str, choices, *, allow_blank: bool = False) -> models.CheckConstraint:
    """A CHECK constraint: ``field`` holds one of ``choices`` (a TextChoices), or "" if allowed."""
    condition = Q(**{f"{field}__in": choices.values})
    if allow_blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(
        condition=condition, name=f"%(app_label)s_%(class)s_{field}_valid"
    )
