from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from privacy.enums import ConsentPurpose
from privacy.services import consent_text

from .selectors import offered_topics


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name (a reader finds theirs whatever the page's language)."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=offered_topics(),
            label=_("Topics"),
            help_text=_("Choose what you want to hear about."),
            error_messages={"required": _("Choose at least one topic.")},
            **kwargs,
        )


class PreferencesForm(forms.Form):
    topics = TopicsField()
    language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("The newsletter is written in each of the portal's languages."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.org."),
        },
    )
    consent = forms.BooleanField(
        label=_("I agree"),
        error_messages={"required": _("Tick the box to agree, or we cannot send the newsletter.")},
    )

    field_order = ["email", "topics", "language", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = consent_text(purpose=ConsentPurpose.NEWSLETTER)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
