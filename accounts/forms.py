from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("", _("Never")),
    ]
    expires_in_days = forms.ChoiceField(
        label=_("Expires after"),
        choices=EXPIRY_CHOICES,
        initial="90",
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A token that expires limits the harm if it leaks."),
    )
