from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from programs.models import SmartCityArea
from wego_portal.files import validate_image, validate_pdf
from wego_portal.phones import PhoneNumberField

from .enums import OrganizationRole
from .models import MembershipApplication, Organization


class MembershipApplicationForm(forms.ModelForm):
    supporting_letter = forms.FileField(
        label=_("Supporting letter (PDF)"),
        required=True,
        validators=[validate_pdf],
        help_text=_("A letter from your mayor, chief executive or director. PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "member_type",
            "organization_name",
            "country",
            "city",
            "website",
            "contact_name",
            "contact_title",
            "contact_email",
            "motivation",
            "supporting_letter",
        ]
        widgets = {
            "member_type": forms.RadioSelect,
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "member_type": _(
                "Local governments are cities, districts, provinces and other localities. "
                "Corporations provide smart-city solutions. Institutions are national or "
                "regional agencies and foundations."
            ),
            "organization_name": _("The official name, e.g. “Seoul Metropolitan Government”."),
            "contact_email": _(
                "We send our decision and, if approved, your sign-in invitation here."
            ),
            "motivation": _("What you hope to share with and gain from the WeGO network."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty choice: none is selected until the person chooses.
        member_type = self.fields["member_type"]
        member_type.choices = [(value, label) for value, label in member_type.choices if value]
        # A select's empty first option says what to do rather than "---------".
        country = self.fields["country"]
        country.choices = [("", _("Choose a country")), *list(country.choices)[1:]]


class OrganizationProfileForm(forms.ModelForm):
    contact_phone = PhoneNumberField(label=_("Public contact phone"), required=False)
    areas = forms.ModelMultipleChoiceField(
        queryset=SmartCityArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Smart City Driver areas of interest"),
    )

    social_links = forms.CharField(
        label=_("Social media pages"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, starting with https://. Up to 6."),
    )

    class Meta:
        model = Organization
        fields = [
            "description",
            "website",
            "social_links",
            "contact_email",
            "contact_phone",
            "population",
            "population_year",
            "area_km2",
            "leader_name",
            "leader_title",
            "leader_public",
            "latitude",
            "longitude",
            "areas",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}
        help_texts = {
            "description": _("Shown on your public profile. Up to 2,000 characters."),
            "contact_email": _("A public address for enquiries, shown on your profile."),
            "population": _("Leave empty if you do not want it shown."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and isinstance(self.instance.social_links, list):
            self.initial["social_links"] = "\n".join(self.instance.social_links)

    def clean_social_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["social_links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_SOCIAL_LINKS:
            raise forms.ValidationError(
                _("Give at most %(n)d addresses.") % {"n": MAX_SOCIAL_LINKS}
            )
        validate = URLValidator(schemes=["https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not an address starting with https://.") % {"link": link}
                ) from None
        return links

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Give both the latitude and the longitude, or neither."),
            )
        if cleaned.get("leader_public") and not cleaned.get("leader_name"):
            self.add_error("leader_name", _("Name the head of the organization to publish it."))
        return cleaned


MAX_SOCIAL_LINKS = 6


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        validators=[validate_image],
        help_text=_("PNG, JPEG, WebP or GIF, up to 2 MB and 25 megapixels."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("What the photo shows"),
        max_length=200,
        help_text=_("Read aloud to people who cannot see the photo, e.g. “The Han River at dusk”."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        validators=[validate_image],
        help_text=_(
            "PNG, JPEG, WebP or GIF, up to 2 MB and 25 megapixels. Square logos look best."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )


class InviteColleagueForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganizationRole.choices,
        initial=OrganizationRole.EDITOR,
        widget=forms.RadioSelect,
        help_text=_("Editors keep the profile current and work on applications."),
    )


class MembershipDecisionForm(forms.Form):
    excom_approved_on = forms.DateField(
        label=_("Date of the Executive Committee's approval"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
