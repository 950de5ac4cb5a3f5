from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmErasureForm(forms.Form):
    email = forms.EmailField(
        label=_("Your account's e-mail address"),
        help_text=_("Type it to confirm that you want your account deleted."),
    )


class VisitorEmailForm(forms.Form):
    email = forms.EmailField(label=_("Visitor's e-mail address"))
