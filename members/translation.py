"""Translatable texts of members and offices (django-modeltranslation: a column per language).

An organization's ``name_<lang>`` holds its standard name in that language where one exists
(``members/data/names.json``); the base column keeps the English name.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Office, Organization


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name", "city", "description")
