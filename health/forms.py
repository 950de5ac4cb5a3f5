from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from wego_portal.files import validate_pdf
from wego_portal.forms import mark_required_for_later

from . import docx
from .enums import HealthTopic, InquiryTopic
from .models import Initiative, Inquiry


class MonthField(forms.Field):
    """A month and year ("2020-05", "May 2020"), stored as the first day of the month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2020-05"})
    default_error_messages = {
        "invalid": _("Enter a month and year, for example 2020-05."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value.replace(day=1)
        month = docx.parse_month(str(value))
        if month is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month

    def prepare_value(self, value):
        if hasattr(value, "year"):
            return f"{value:%Y-%m}"
        return value


class LinksField(forms.Field):
    """Links, one a line: "https://…" or "Title | https://…"; kept as [{title, url}]."""

    widget = forms.Textarea(attrs={"rows": 3})
    max_links = 10

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, list):
            return value
        validate = URLValidator(schemes=["http", "https"])
        links = []
        for number, raw in enumerate(str(value).splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            title, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
            title, url = title.strip(), url.strip()
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(
                    _("Line %(n)s is not a web address (it must start with https://)."),
                    code="invalid",
                    params={"n": number},
                ) from None
            links.append({"title": title[:200] or url[:200], "url": url[:500]})
        if len(links) > self.max_links:
            raise ValidationError(
                _("Give at most %(max)s links."), code="too_many", params={"max": self.max_links}
            )
        return links

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                link["url"]
                if link.get("title") in ("", link.get("url"))
                else f"{link['title']} | {link['url']}"
                for link in value
            )
        return value


def validate_pdf_or_docx(upload) -> None:
    """A PDF, or a Word document such as the filled template (checked by content)."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head.startswith(b"PK"):
        docx.validate_docx(upload)
    else:
        validate_pdf(upload)


class OrganizationChoiceMixin:
    """An "organization" choice when the person acts for several members."""

    def add_organization_field(self, organizations):
        self.organizations = list(organizations)
        if len(self.organizations) > 1:
            self.fields["organization"] = forms.TypedChoiceField(
                label=_("Shared by"),
                choices=[(str(org.pk), org.name) for org in self.organizations],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.order_fields(["organization"])

    def chosen_organization(self):
        if len(self.organizations) == 1:
            return self.organizations[0]
        chosen = self.cleaned_data.get("organization")
        return next((org for org in self.organizations if org.pk == chosen), None)


class InitiativeForm(OrganizationChoiceMixin, forms.ModelForm):
    """An initiative's answers. A draft may be incomplete; submitting checks completeness."""

    use_required_attribute = False

    started_on = MonthField(label=_("Started"), help_text=_("Month and year, e.g. 2020-05."))
    ended_on = MonthField(
        label=_("Ended"),
        required=False,
        help_text=_("Month and year. Leave empty while the initiative is still running."),
    )
    links = LinksField(
        label=_("Links"),
        required=False,
        help_text=_(
            "Web pages, dashboards or reports, one a line: an address, or a title, a bar and "
            "the address (“City dashboard | https://…”)."
        ),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "topic",
            "city",
            "country",
            "started_on",
            "ended_on",
            "summary",
            "outcomes",
            "links",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6, "maxlength": 3000}),
            "outcomes": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        }
        help_texts = {
            "title": _("A short name, e.g. “Drive-through testing stations”."),
            "topic": _("The topic it fits best."),
            "summary": _(
                "What the initiative or policy is and how it works. Up to 3,000 characters."
            ),
            "outcomes": _("What changed, with figures where you have them."),
        }

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_organization_field(organizations)
        self.fields["topic"].choices = [("", _("Choose a topic")), *HealthTopic.choices]
        for name in Initiative.REQUIRED_FOR_SUBMISSION:
            if name == "title":
                continue
            mark_required_for_later(self.fields[name])

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end must be after the start."))
        return data


class TemplateUploadForm(OrganizationChoiceMixin, forms.Form):
    template = forms.FileField(
        label=_("The filled template (.docx)"),
        validators=[docx.validate_docx],
        help_text=_("The Word document you downloaded from this page, filled in. Up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_organization_field(organizations)


class InitiativeFileForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        validators=[validate_pdf_or_docx],
        help_text=_(
            "A PDF (report, policy, poster) or the filled template (.docx). Up to 10 MB. "
            "Files become public when the initiative is published."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "application/pdf,.docx,application/vnd.openxmlformats-"
                "officedocument.wordprocessingml.document"
            }
        ),
    )


class InquiryForm(forms.ModelForm):
    """The public inquiry form. ``website`` is a honeypot: hidden from people, filled by bots."""

    use_required_attribute = False

    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Inquiry
        fields = ["name", "organization_name", "email", "country", "topic", "message"]
        labels = {
            "name": _("Your name"),
            "organization_name": _("Your organization"),
            "email": _("Your e-mail address"),
            "topic": _("What is it about?"),
            "message": _("Your message"),
        }
        help_texts = {
            "email": _("We send a copy of your message here, and the answer comes here."),
            "message": _(
                "What you need, in what quantities and by when, and anything the supplier "
                "should know. Up to 5,000 characters."
            ),
        }
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organization_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]
        self.fields["topic"].choices = [("", _("Choose a topic")), *InquiryTopic.choices]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class InquiryTransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept in the inquiry's history, e.g. what was answered or why it is closed."),
    )
    forward_to = forms.EmailField(
        label=_("Forward to (e-mail address)"),
        required=False,
        help_text=_(
            "Sends the inquiry to this address. Empty: the supplier's contact address, if any."
        ),
    )


class InquiryNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
