"""The catalog's filters, shared by the public page and (later) the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from members.enums import Region

from .enums import ProjectSource
from .models import Project
from .selectors import project_search


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    area = django_filters.CharFilter(label=_("Smart City Driver area"), method="filter_area")
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices,
        label=_("Region"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")
    year = django_filters.NumberFilter(field_name="start_year", label=_("Started in"))
    source = django_filters.MultipleChoiceFilter(
        choices=ProjectSource.choices,
        label=_("Source"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )

    class Meta:
        fields: list[str] = []

    def search(self, queryset, name, value):
        return project_search(queryset, value)

    def filter_area(self, queryset, name, value):
        """Projects in any of the chosen areas (a subquery: no duplicate rows)."""
        slugs = self.data.getlist("area") if hasattr(self.data, "getlist") else [value]
        slugs = [slug for slug in slugs if slug][:16]
        through = Project.areas.through.objects.filter(smartcityarea__slug__in=slugs)
        return queryset.filter(pk__in=through.values("project_id"))

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper()[:2])
