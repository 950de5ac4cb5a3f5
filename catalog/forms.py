import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from health.forms import LinksField, OrganizationChoiceMixin
from members.enums import OrganizationStatus
from members.models import Organization
from programs.models import SmartCityArea
from wego_portal.files import validate_image
from wego_portal.forms import mark_required_for_later

from .models import Project


def _year_field(label, *, required=True, help_text=""):
    this_year = datetime.date.today().year
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1990,
        max_value=this_year + 10,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--year"}),
    )


class FiguresField(forms.Field):
    """Results in figures, one a line: "310,000 | app users"; kept as [{value, label}]."""

    widget = forms.Textarea(attrs={"rows": 3})
    max_figures = 6

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, list):
            return value
        figures = []
        for number, raw in enumerate(str(value).splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            figure, sep, label = line.partition("|")
            if not sep or not figure.strip() or not label.strip():
                raise ValidationError(
                    _(
                        "Line %(n)s needs a figure, a bar and what it counts: “45%% | fewer complaints”."
                    ),
                    code="invalid",
                    params={"n": number},
                )
            figures.append({"value": figure.strip()[:40], "label": label.strip()[:120]})
        if len(figures) > self.max_figures:
            raise ValidationError(
                _("Give at most %(max)s figures."),
                code="too_many",
                params={"max": self.max_figures},
            )
        return figures

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{f['value']} | {f['label']}" for f in value)
        return value


class ProjectForm(OrganizationChoiceMixin, forms.ModelForm):
    """A member's project. A draft may be incomplete; sending it checks completeness."""

    use_required_attribute = False

    areas = forms.ModelMultipleChoiceField(
        label=_("Smart City Driver areas"),
        queryset=SmartCityArea.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The areas the project belongs to (one or more)."),
    )
    start_year = _year_field(_("Started in"), help_text=_("The year, e.g. 2019."))
    end_year = _year_field(
        _("Ended in"), required=False, help_text=_("Leave empty while the project is running.")
    )
    figures = FiguresField(
        label=_("Results in figures"),
        required=False,
        help_text=_(
            "Up to six headline figures, one a line: the figure, a bar, and what it counts "
            "(“310,000 | app users”)."
        ),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners from the WeGO network"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Members and partners involved. Hold Ctrl (Cmd on a Mac) to choose several."),
    )
    links = LinksField(
        label=_("Links"),
        required=False,
        help_text=_("Project website, reports or videos, one a line (“Title | https://…”)."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "city_name",
            "country",
            "areas",
            "start_year",
            "end_year",
            "summary",
            "problem",
            "solution",
            "results",
            "figures",
            "partners",
            "partners_text",
            "budget_range",
            "links",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 1500}),
            "problem": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "solution": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "results": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "partners_text": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
            "budget_range": forms.RadioSelect,
        }
        labels = {"city_name": _("City")}
        help_texts = {
            "title": _("The project's name, e.g. “Smart flood warning”."),
            "city_name": _("Leave empty to show your organization's name."),
            "summary": _("Two or three sentences for the catalog's list. Up to 1,500 characters."),
            "problem": _("What problem of the city or its citizens does it address?"),
            "solution": _("What was built or changed, and how does it work?"),
            "results": _("What changed: users, time or money saved, emissions avoided."),
        }

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_organization_field(organizations)
        self.fields["partners"].queryset = Organization.objects.filter(
            status=OrganizationStatus.ACTIVE
        ).order_by("sort_name")
        self.fields["budget_range"].choices = [
            c for c in self.fields["budget_range"].choices if c[0]
        ]
        self.fields["budget_range"].required = False
        for name in (*Project.REQUIRED_FOR_SUBMISSION, "areas"):
            if name == "title":
                continue
            mark_required_for_later(self.fields[name])

    def _post_clean(self):
        # The model's checks (a city or a member) need the member chosen on this form.
        if self.instance.organization_id is None and self.organizations:
            self.instance.organization = self.chosen_organization()
        super()._post_clean()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end must not be before the start."))
        return data


class ProjectImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        validators=[validate_image],
        help_text=_("A photo or screenshot. PNG, JPEG, WebP or GIF, up to 2 MB."),
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
