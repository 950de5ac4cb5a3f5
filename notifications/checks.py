"""System check: every registered kind has its e-mail templates."""

from django.core.checks import Error
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .kinds import all_kinds


def check_kind_templates(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    for kind in all_kinds():
        for name in (kind.subject_template, kind.text_template):
            try:
                get_template(name)
            except TemplateDoesNotExist:
                errors.append(
                    Error(
                        f"Notification kind {kind.key!r} has no template {name!r}.",
                        hint="Add it under templates/notifications/email/.",
                        id="notifications.E001",
                    )
                )
    return errors
