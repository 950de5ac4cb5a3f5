"""Filters of the member portal's application list, shared by the HTML page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ApplicationStatus


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class MyApplicationFilter(django_filters.FilterSet):
    """``organization`` (slug) and ``status``: an invalid value is refused by the API (400)
    and ignored by the HTML page."""

    organization = SlugFilter(field_name="organization__slug", label=_("Organization"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))

    class Meta:
        fields: list[str] = []
