"""The member directory's filters: shared by the public page and the API."""

import datetime

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .enums import DirectorySort, MemberType, Region
from .models import Office
from .selectors import directory_search


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Name, city or country; spelling need not be exact."),
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="member_type",
        choices=MemberType.choices,
        label=_("Type"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # no joins: DISTINCT would only slow the directory down
    )
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices,
        label=_("Region"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")
    office = django_filters.ModelChoiceFilter(
        queryset=Office.objects.all(), to_field_name="slug", label=_("Office")
    )
    joined = django_filters.NumberFilter(
        label=_("Joined in"), method="filter_joined", min_value=1900, max_value=2100
    )
    sort = django_filters.ChoiceFilter(
        choices=DirectorySort.choices, label=_("Sort by"), method="sort_by", empty_label=None
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, search_apart: bool = False, **kwargs) -> None:
        """``search_apart``: leave ``q`` out of ``qs`` (the directory page searches the
        filtered directory itself, with ``selectors.DirectorySearch``)."""
        super().__init__(*args, **kwargs)
        self.search_apart = search_apart

    def search(self, queryset, name, value):
        if self.search_apart:
            return queryset
        return directory_search(queryset, value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper()[:2])

    def filter_joined(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            joined_on__gte=datetime.date(year, 1, 1), joined_on__lte=datetime.date(year, 12, 31)
        )

    def sort_by(self, queryset, name, value):
        if value == DirectorySort.NEWEST:
            return queryset.order_by(F("joined_on").desc(nulls_last=True), "sort_name", "id")
        if value == DirectorySort.COUNTRY:
            return queryset.order_by("country", "sort_name", "id")
        return queryset  # name order, or relevance when searching
