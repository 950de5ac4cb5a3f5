from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _
from knox.settings import CONSTANTS

from . import services
from .models import ApiTokenName


class ApiTokenForm(forms.Form):
    """A new token's name and expiry; the name is checked against the user's other tokens."""

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiTokenName.MAX_LENGTH,
        help_text=_(
            "What the token is for, such as “Directory sync script”: the list of your tokens "
            "shows it, so you know which one to revoke."
        ),
    )
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

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_name(self) -> str:
        return services.api_token_name_clean(user=self.user, name=self.cleaned_data["name"])


class ApiTokenRevokeForm(forms.Form):
    """Which of the user's tokens to revoke, by its public key (the token's first characters)."""

    revoke = forms.CharField(max_length=CONSTANTS.TOKEN_KEY_LENGTH)


# allauth's forms with the portal's wording (sentence case, "e-mail"), used through
# ACCOUNT_FORMS; their behaviour is allauth's own.


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password again")
        for name in ("oldpassword", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password again")
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
