from django import forms

from .kinds import NotificationKind


class NotificationPreferencesForm(forms.Form):
    """One checkbox per optional kind the user may see. The mandatory kinds are not fields:
    ``always_sent`` lists them once each by name (several kinds may share a name)."""

    def __init__(self, *args, kinds: list[NotificationKind], current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind in kinds if not kind.mandatory]
        self.always_sent = sorted({str(kind.label) for kind in kinds if kind.mandatory})
        for kind in self.kinds:
            self.fields[self.field_name(kind)] = forms.BooleanField(
                label=kind.label,
                required=False,
                initial=current.get(kind.key, True),
                help_text=kind.description,
            )

    @staticmethod
    def field_name(kind: NotificationKind) -> str:
        return "kind_" + kind.key.replace(".", "__")

    def email_enabled(self) -> dict[str, bool]:
        """The optional kinds' choices, keyed by kind."""
        return {kind.key: self.cleaned_data[self.field_name(kind)] for kind in self.kinds}
