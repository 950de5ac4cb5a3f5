from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.enums import ConsentPurpose
from privacy.services import consent_text

from .enums import QuestionKind, RegistrationStatus
from .models import Event, timezone_choices


class QuestionsForm(forms.Form):
    """The event's optional questions as fields (``question_<id>``); ``answers`` for services.

    An event hosted by member organizations also asks, optionally, whether the registration
    may be shared with them (``share_with_hosts``; the consent text in its current version).
    """

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.questions = list(event.questions.all())
        self.host_names = [link.organization.name for link in event.host_links.all()]
        for question in self.questions:
            if question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                    required=question.required,
                )
            elif question.kind == QuestionKind.LONG_TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=2000,
                    required=question.required,
                )
            else:
                field = forms.CharField(max_length=500, required=question.required)
            field.label = question.label
            field.help_text = question.help_text
            self.fields[question.field_name] = field
        if self.host_names:
            self.fields["share_with_hosts"] = forms.BooleanField(
                required=False,
                label=consent_text(purpose=ConsentPurpose.SHARE_WITH_HOST),
                help_text=_("Optional: your registration does not depend on it. Hosts: %(hosts)s.")
                % {"hosts": ", ".join(self.host_names)},
            )

    @property
    def share_with_hosts(self) -> bool:
        return bool(self.cleaned_data.get("share_with_hosts"))

    @property
    def answers(self) -> dict[str, str]:
        return {
            str(question.pk): self.cleaned_data.get(question.field_name) or ""
            for question in self.questions
        }


class VisitorRegistrationForm(QuestionsForm):
    name = forms.CharField(label=_("Full name"), max_length=200)
    organization_name = forms.CharField(
        label=_("Organization"),
        max_length=200,
        help_text=_("The city, company or institution you work for."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We will send you a link to confirm it. Your place is kept once you do."),
    )

    field_order = ["name", "organization_name", "email"]  # then the questions, then sharing

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organization_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.order_fields(self.field_order)


# --- Back office -------------------------------------------------------------------------------


class EventAdminForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        help_text=_(
            "The event's local time zone. Exact start and end times are entered and shown in it."
        ),
    )


class MessageRegistrantsForm(forms.Form):
    AUDIENCES = {
        "confirmed": [RegistrationStatus.CONFIRMED],
        "active": [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        "waitlisted": [RegistrationStatus.WAITLISTED],
    }

    audience = forms.ChoiceField(
        label=_("Send to"),
        choices=[
            ("confirmed", _("People with a place")),
            ("active", _("People with a place and the waitlist")),
            ("waitlisted", _("The waitlist only")),
        ],
        initial="confirmed",
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=10000)

    @property
    def statuses(self) -> list[str]:
        return self.AUDIENCES[self.cleaned_data["audience"]]


class FiguresForm(forms.Form):
    registered = forms.IntegerField(label=_("Registered"), min_value=0, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)
    speakers = forms.IntegerField(label=_("Speakers"), min_value=0, required=False)
    viewers = forms.IntegerField(label=_("Broadcast viewers"), min_value=0, required=False)
