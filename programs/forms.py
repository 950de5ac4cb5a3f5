"""Forms of the member portal (one per application section) and of the back office.

Section forms accept partial answers: a draft is saved as it is, and ``sections.missing``
says what is still needed before submission. What a form does check is that an answer,
when given, is valid (an e-mail address, a PDF, co-funding within the budget).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.enums import MemberType
from members.models import Organization
from wego_portal.files import validate_pdf
from wego_portal.phones import PhoneNumberField
from wego_portal.stale_decisions import ExpectedStatusField

from .enums import BudgetRange, Currency, MessageVisibility, PartnerType, Recommendation
from .models import CRITERIA, Call, Review, SmartCityArea

PDF_HINT = _("A PDF document, up to 10 MB.")
PDF_WIDGET_ATTRS = {"accept": "application/pdf"}


def pdf_field(label, *, required=False, help_text=PDF_HINT):
    return forms.FileField(
        label=label,
        required=required,
        validators=[validate_pdf],
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs=PDF_WIDGET_ATTRS),
    )


AREAS_LABEL = _("Smart City Driver areas concerned")


def areas_field():
    return forms.ModelMultipleChoiceField(
        label=AREAS_LABEL,
        queryset=SmartCityArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every area your project touches."),
    )


class SectionForm(forms.Form):
    """Base of the section forms: a hidden revision guards against overwriting a colleague."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- Solution Finder ---------------------------------------------------------------------------


class ChallengesForm(SectionForm):
    urban_challenges = forms.CharField(
        label=_("What urban challenges does your city face?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe the problems you want to solve, who is affected and what you have tried. "
            "Up to 5,000 characters."
        ),
    )
    areas = areas_field()


class ComponentForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=SmartCityArea.objects.all(),
        required=False,
        empty_label=_("Choose an area"),
    )
    need = forms.CharField(
        label=_("What is needed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. “Sensors and a dashboard to monitor river levels”."),
    )


class BaseComponentFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        for number, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            area, need = form.cleaned_data.get("area"), form.cleaned_data.get("need")
            if need and not area:
                form.add_error("area", _("Choose the area of component %(n)d.") % {"n": number})

    def components(self) -> list[dict]:
        """The components to keep, in order: those with an area or a need, not removed."""
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):  # type: ignore[attr-defined]  # BaseFormSet's, not in django-stubs
                continue
            data = form.cleaned_data
            if data.get("area") or data.get("need"):
                kept.append({"area": data.get("area"), "need": data.get("need", "")})
        return kept


ComponentFormSet = forms.formset_factory(
    ComponentForm, formset=BaseComponentFormSet, extra=0, can_delete=True, max_num=20
)
ComponentFormSetWithBlank = forms.formset_factory(
    ComponentForm, formset=BaseComponentFormSet, extra=1, can_delete=True, max_num=20
)


class PackageForm(SectionForm):
    """The solution package: the component formset travels beside this form."""


class SolutionBudgetForm(SectionForm):
    budget_range = forms.ChoiceField(
        label=_("What is the budget range of the solution package?"),
        choices=BudgetRange.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    timeline = forms.CharField(
        label=_("What is your timeline?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When you would like to start, and the main steps, e.g. “Pilot in 2022”."),
    )


class PartnersForm(SectionForm):
    preferred_partner_types = forms.MultipleChoiceField(
        label=_("Which partners would you like to be connected with?"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply."),
    )


class ContactForm(SectionForm):
    contact_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    contact_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    contact_email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = PhoneNumberField(
        label=_("Phone number"),
        required=False,
        help_text=_("With the country code, e.g. +63 78 652 1234."),
    )


# --- Project Implementer -----------------------------------------------------------------------


class ProjectForm(SectionForm):
    title = forms.CharField(label=_("Project title"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the project is, in a few sentences. Up to 2,000 characters."),
    )


class ObjectivesForm(SectionForm):
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    areas = areas_field()
    expected_impact = forms.CharField(
        label=_("Expected impact"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who benefits and how you will measure it."),
    )


class ProjectBudgetForm(SectionForm):
    total_budget = forms.DecimalField(
        label=_("Total budget of the project"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Numbers only, e.g. 250000."),
    )
    cofunding_amount = forms.DecimalField(
        label=_("Co-funding your city commits"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("The part of the budget your city will fund itself."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", _("Choose a currency")), *Currency.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        total, cofunding = data.get("total_budget"), data.get("cofunding_amount")
        if total is not None and cofunding is not None and cofunding > total:
            self.add_error(
                "cofunding_amount", _("The co-funding cannot be more than the total budget.")
            )
        return data


class ImplementationPlanForm(SectionForm):
    implementation_plan = forms.CharField(
        label=_("Implementation plan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The main phases, who does what, and when. Up to 5,000 characters."),
    )


class LetterForm(SectionForm):
    mayor_letter = pdf_field(
        _("Supporting letter of the mayor or authority"),
        help_text=_(
            "A signed letter supporting the proposal and confirming the co-funding. "
            "A PDF document, up to 10 MB."
        ),
    )


class DocumentsForm(SectionForm):
    """One file input per document the call asks for."""

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            self.fields[f"document_{document.pk}"] = pdf_field(
                document.name,
                help_text=f"{document.hint} {PDF_HINT}".strip() if document.hint else PDF_HINT,
            )

    def uploads(self) -> dict:
        return {
            document: self.cleaned_data[f"document_{document.pk}"]
            for document in self.documents
            if self.cleaned_data.get(f"document_{document.pk}")
        }


# --- Portal actions ----------------------------------------------------------------------------


class StartApplicationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Which organization is applying?"),
        queryset=Organization.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter your answer to WeGO's questions.")},
    )
    file_1 = pdf_field(_("Attach a file"))
    file_2 = pdf_field(_("Attach another file"))

    def files_attached(self) -> list:
        return [f for f in (self.cleaned_data.get("file_1"), self.cleaned_data.get("file_2")) if f]


class CityMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to WeGO"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter your message.")},
    )


class WithdrawForm(forms.Form):
    # The status the city saw when it chose to withdraw.
    expected_status = ExpectedStatusField()
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Back office -------------------------------------------------------------------------------


class TransitionForm(forms.Form):
    """The confirmation form of a staff transition (extra fields depend on the target)."""

    # The status the officer saw; the move is refused if the application changed meanwhile.
    expected_status = ExpectedStatusField()

    note = forms.CharField(
        label=_("Note to the city"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the city in its timeline and in the e-mail it receives."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (WeGO staff only)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown to the city."),
    )

    def __init__(self, *args, target: str, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        if note_required:
            self.fields["note"].required = True


class ClarificationRequestForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, note_required=True, **kwargs)
        self.fields["note"].label = _("Questions for the city")
        self.fields["note"].help_text = _("The city answers in the portal with text and files.")


class FeedbackForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, note_required=True, **kwargs)
        self.fields["note"].label = _("Preliminary feedback to the city")


def partner_label(organization) -> str:
    matching = getattr(organization, "matching", 0)
    label = f"{organization.name} ({organization.get_member_type_display()}"
    if organization.country:
        label += f", {organization.country.name}"
    label += ")"
    if matching:
        label += " — " + str(
            ngettext("%(n)d matching area", "%(n)d matching areas", matching) % {"n": matching}
        )
    return label


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return partner_label(obj)


class PartnersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return partner_label(obj)


class ConnectPartnersForm(TransitionForm):
    partners = PartnersChoiceField(
        label=_("Strategic partners"),
        queryset=Organization.objects.none(),
        help_text=_("Corporations and institutions from the directory; suggestions first."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = candidates


class ConsultingCompanyForm(TransitionForm):
    company = PartnerChoiceField(
        label=_("Consulting company"),
        queryset=Organization.objects.none(),
        help_text=_("A corporation or institution from the directory."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = candidates


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=MessageVisibility.choices,
        initial=MessageVisibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("Shared messages are e-mailed to the city; internal ones never are."),
    )


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=get_user_model().objects.none(),
        help_text=_("Active back-office users."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (
            get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
        )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            *[name for key, _label in CRITERIA for name in (key, f"{key}_comment")],
            "recommendation",
            "summary",
        ]
        widgets = {
            **{
                key: forms.RadioSelect(choices=[(n, str(n)) for n in range(1, 6)])
                for key, _label in CRITERIA
            },
            **{f"{key}_comment": forms.Textarea(attrs={"rows": 2}) for key, _label in CRITERIA},
            "recommendation": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = Recommendation.choices


class CallAdminForm(forms.ModelForm):
    eligible_member_types = forms.MultipleChoiceField(
        label=_("Who may apply"),
        choices=MemberType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Call
        fields = [
            "program",
            "title",
            "slug",
            "kind",
            "opens_at",
            "closes_at",
            "dates_note",
            "description",
            "eligible_member_types",
            "is_published",
            "reviewers",
        ]


def section_form_class(section) -> type[forms.Form]:
    """The form of an application section (``sections.Section.form`` names it)."""
    form_class = SECTION_FORMS.get(section.form)
    if form_class is None:
        raise LookupError(f"No section form named {section.form!r}")
    return form_class


SECTION_FORMS: dict[str, type[forms.Form]] = {
    form_class.__name__: form_class
    for form_class in (
        ChallengesForm,
        PackageForm,
        SolutionBudgetForm,
        PartnersForm,
        ContactForm,
        ProjectForm,
        ObjectivesForm,
        ProjectBudgetForm,
        ImplementationPlanForm,
        LetterForm,
        DocumentsForm,
    )
}
