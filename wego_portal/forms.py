"""Form helpers shared by the apps' draft forms."""

from django import forms


def mark_required_for_later(field: forms.Field) -> None:
    """Show ``field`` as required, yet let a draft be saved without it.

    A value that *is* given is still validated as before (a choice must be one of the
    choices, a country a country): only the "required" check is lifted, so nothing invalid
    ever reaches the model.
    """
    validate = field.validate

    def validate_unless_blank(value) -> None:
        if value not in field.empty_values:
            validate(value)

    field.required = True
    field.validate = validate_unless_blank  # type: ignore[method-assign]  # this one field's check, by design
