from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NOTE_MAX_LENGTH


class ReturnForm(forms.Form):
    """The secretariat's note when it returns a contribution to the member."""

    note = forms.CharField(
        label=_("What should the city change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Sent to the city by e-mail and shown with its contribution."),
    )
