from typing import cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: WeGO was founded in 2010: its first annual report covers that year.
FIRST_REPORT_YEAR = 2010


class ReportRunRequestForm(forms.Form):
    """The year (a finished one by default) and the language of an annual report PDF."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    language = forms.ChoiceField(
        label=_("Language"),
        choices=(),
        help_text=_("Headings and labels are in this language; names stay as recorded."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year, FIRST_REPORT_YEAR - 1, -1)
        cast("forms.ChoiceField", self.fields["year"]).choices = [
            (year, str(year)) for year in years
        ]
        self.fields["year"].initial = this_year - 1
        self.fields["year"].help_text = _(
            "The report covers the calendar year; %(year)s is still under way."
        ) % {"year": this_year}
        cast("forms.ChoiceField", self.fields["language"]).choices = list(settings.LANGUAGES)
        self.fields["language"].initial = settings.LANGUAGE_CODE
