"""Phone numbers in forms: validated with libphonenumber's data (the phonenumbers package)."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_HINT = _("With the country code, e.g. +82 2 2133 1234.")


class PhoneNumberField(forms.CharField):
    """A phone number with its country code, stored in the international format.

    "+82 2 2133 1234" is kept as libphonenumber writes it ("+82 2-2133-1234"); "abc", a
    number without "+" and a country code, or one too short for its country are refused.
    """

    default_error_messages = {
        "invalid": _("Enter a phone number with its country code, such as +82 2 2133 1234."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("help_text", PHONE_HINT)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
