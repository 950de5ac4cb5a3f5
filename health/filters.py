"""Filters of the public lists, shared by the HTML pages and (later) the API."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.enums import Region

from .enums import HealthTopic, MaterialKind


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    topic = django_filters.MultipleChoiceFilter(
        choices=HealthTopic.choices,
        label=_("Topic"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices,
        label=_("Region"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")
    year = django_filters.NumberFilter(label=_("Started in"), method="filter_year")
    member = django_filters.CharFilter(
        field_name="organization__slug", label=_("Shared by (member)")
    )

    class Meta:
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(outcomes__icontains=word)
                | Q(city__icontains=word)
            )
        return queryset

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper()[:2])

    def filter_year(self, queryset, name, value):
        year = int(value)
        if not 1900 <= year <= 2100:
            return queryset.none()
        return queryset.filter(
            started_on__gte=datetime.date(year, 1, 1), started_on__lte=datetime.date(year, 12, 31)
        )


class SupplierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.CharFilter(label=_("Category"), method="filter_category")
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")

    class Meta:
        fields: list[str] = []

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(products__icontains=word)
                | Q(description__icontains=word)
                | Q(certifications__icontains=word)
            )
        return queryset

    def filter_category(self, queryset, name, value):
        slugs = (
            [slug for slug in self.data.getlist("category") if slug]
            if hasattr(self.data, "getlist")
            else [value]
        )
        for slug in slugs[:5]:
            queryset = queryset.filter(categories__slug=slug)
        return queryset

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper()[:2])


class MaterialFilter(django_filters.FilterSet):
    topic = django_filters.ChoiceFilter(choices=HealthTopic.choices, label=_("Topic"))
    kind = django_filters.ChoiceFilter(choices=MaterialKind.choices, label=_("Kind"))

    class Meta:
        fields: list[str] = []
