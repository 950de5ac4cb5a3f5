"""The event list's filters: shared by the public pages, the calendar feeds and (later) the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.enums import Region
from members.models import fold

from .enums import Attendance, EventKind, EventProgram, When
from .selectors import events_in_period, recording_exists


class EventFilter(django_filters.FilterSet):
    """``when`` defaults to upcoming (pass ``when=all`` for everything) and sets the order."""

    when = django_filters.ChoiceFilter(
        choices=When.choices, label=_("When"), method="filter_when", empty_label=None
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=EventKind.choices, label=_("Kind"), widget=forms.CheckboxSelectMultiple
    )
    program = django_filters.ChoiceFilter(choices=EventProgram.choices, label=_("Program"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="year")
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices, label=_("Region"), widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")
    attendance = django_filters.MultipleChoiceFilter(
        choices=Attendance.choices,
        label=_("Online or in person"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_attendance",
    )
    recordings = django_filters.BooleanFilter(
        label=_("With a recording"), method="filter_recordings", widget=forms.CheckboxInput
    )
    host = django_filters.CharFilter(label=_("Host"), method="filter_host")

    class Meta:
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("when"):
            data["when"] = When.UPCOMING
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "when" not in self.form.cleaned_data:
            # An unknown ``when`` is ignored like any invalid filter: upcoming, in order.
            queryset = events_in_period(queryset, When.UPCOMING)
        return queryset

    def filter_when(self, queryset, name, value):
        return events_in_period(queryset, value or When.UPCOMING)

    def search(self, queryset, name, value):
        for word in fold(value).split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(theme__icontains=word) | Q(city__icontains=word)
            )
        return queryset

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper()[:2])

    def filter_attendance(self, queryset, name, value):
        """Hybrid events count as both online and in person."""
        if not value:
            return queryset
        wanted = set(value)
        if wanted & {Attendance.ONLINE, Attendance.IN_PERSON}:
            wanted.add(Attendance.HYBRID)
        return queryset.filter(attendance__in=wanted)

    def filter_recordings(self, queryset, name, value):
        # Not the list's ``has_recording`` annotation: the calendar feed filters plain events.
        return queryset.filter(recording_exists()) if value else queryset

    def filter_host(self, queryset, name, value):
        return queryset.filter(host_links__organization__slug=value).distinct()
