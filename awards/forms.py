from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wego_portal.files import validate_image, validate_pdf

from .enums import CRITERIA_HELP, SCORE_MAX, SCORE_MIN, Criterion
from .models import Category, ConflictOfInterest, Entry, Score


def _accept_blank(value) -> None:
    """``Field.validate`` that accepts an empty value (its only check is "required")."""


class EntryForm(forms.ModelForm):
    """A city's project. Drafts may be incomplete; submission checks completeness."""

    use_required_attribute = False

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Enter each project in the one category that fits it best."),
    )

    class Meta:
        model = Entry
        fields = ["category", *Entry.CONTENT_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 1500}),
            "problem": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "solution": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "ict_used": forms.Textarea(attrs={"rows": 4, "maxlength": 3000}),
            "results_impact": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "partners": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "started_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "project_title": _("The project's name, e.g. “My Safe City”."),
            "summary": _(
                "Two or three sentences for the public page if your project wins. "
                "Up to 1,500 characters."
            ),
            "problem": _("What problem of your city or its citizens does the project address?"),
            "solution": _("What did you build or change, and how does it work?"),
            "ict_used": _("The technologies used: platforms, sensors, data, apps, networks."),
            "results_impact": _(
                "What changed, with figures: users, time or money saved, emissions avoided, "
                "before and after."
            ),
            "started_on": _("When the project started (it must be running, not only planned)."),
            "partners": _("Companies, universities, agencies or citizens' groups involved."),
        }

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.order_by("position", "name")
        self.fields["category"].label_from_instance = lambda c: c.name
        for name in Entry.REQUIRED_FOR_SUBMISSION:
            # Needed to submit, so not labelled "optional"; but a draft may leave it blank
            # (the submission checks completeness). Only the "required" check is skipped:
            # length and format validators still run.
            self.fields[name].required = True
            self.fields[name].validate = _accept_blank

    def clean_started_on(self):
        """The help says the project must be running: a start date after today is refused."""
        started_on = self.cleaned_data.get("started_on")
        if started_on and started_on > timezone.localdate():
            raise forms.ValidationError(
                _("Enter the date the project started: it must be running already, not planned."),
                code="future",
            )
        if started_on and started_on.year < 1990:
            raise forms.ValidationError(_("Enter a start date after 1990."), code="too_old")
        return started_on


class EntryImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        validators=[validate_image],
        help_text=_("A photo or screenshot of the project. PNG, JPEG, WebP or GIF, up to 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=200,
        required=False,
        help_text=_("Describe what the image shows (for people who cannot see it)."),
    )


class EntryDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Supporting document (PDF)"),
        validators=[validate_pdf],
        help_text=_("A report, evaluation or press article. PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    is_public = forms.BooleanField(
        label=_("This document may be published with the results if our entry wins"),
        required=False,
        help_text=_("Documents stay private while the entries are judged."),
    )


class DocumentVisibilityForm(forms.Form):
    is_public = forms.BooleanField(required=False)


class ConflictForm(forms.ModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}
        labels = {"reason": _("Nature of the conflict (optional)")}
        help_texts = {
            "reason": _(
                "For example: you advised this city, or work with one of its partners. "
                "Only the secretariat reads this."
            )
        }


class ScoreForm(forms.ModelForm):
    class Meta:
        model = Score
        fields = [value for value, _label in Criterion.choices] + ["comments"]
        widgets = {
            **{
                value: forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX, "step": 1})
                for value, _label in Criterion.choices
            },
            "comments": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        }
        help_texts = {
            **{
                value: format_lazy(
                    "{} {}", CRITERIA_HELP[value], _("From 1 (weak) to 10 (outstanding).")
                )
                for value, _label in Criterion.choices
            },
            "comments": _(
                "Read by the secretariat, and by the other judges once the panel closes."
            ),
        }

    @property
    def marks(self) -> dict[str, int]:
        return {value: self.cleaned_data[value] for value, _label in Criterion.choices}


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        choices=[("", _("No award")), *Entry._meta.get_field("result").choices],
        required=False,
    )
    # The result shown when the officer chose ("" = none yet): refused if it changed meanwhile.
    expected_result = forms.ChoiceField(
        choices=[("", ""), *Entry._meta.get_field("result").choices],
        required=False,
        widget=forms.HiddenInput,
    )


class StageMoveForm(forms.Form):
    # The stage the officer saw: the move is refused if the edition moved meanwhile.
    expected_stage = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishResultsForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Why publish with scores missing?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only needed when some entries are not scored by every judge of their panel. "
            "The reason is recorded with the publication."
        ),
    )
