from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import NotificationKind


class NotificationPreferencesForm(forms.Form):
    """One checkbox per kind the user may see: optional kinds editable, mandatory ones shown
    as always on (disabled, so a posted value for them is ignored)."""

    def __init__(self, *args, kinds: list[NotificationKind], current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            if kind.mandatory:
                field = forms.BooleanField(
                    label=kind.label,
                    required=False,
                    disabled=True,
                    initial=True,
                    help_text=_("%(description)s Always sent: you cannot switch this off.")
                    % {"description": kind.description},
                )
            else:
                field = forms.BooleanField(
                    label=kind.label,
                    required=False,
                    initial=current.get(kind.key, True),
                    help_text=kind.description,
                )
            self.fields[self.field_name(kind)] = field

    @staticmethod
    def field_name(kind: NotificationKind) -> str:
        return "kind_" + kind.key.replace(".", "__")

    def email_enabled(self) -> dict[str, bool]:
        """The optional kinds' choices, keyed by kind."""
        return {
            kind.key: self.cleaned_data[self.field_name(kind)]
            for kind in self.kinds
            if not kind.mandatory
        }
