"""Translatable texts of members and offices (django-modeltranslation: a column per language).

An organization's ``name_<lang>`` holds its standard name in that language where one exists
(``members/data/names.json``); the base column keeps the English name.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import AboutEntry, AboutPage, Office, Organization, OrganizationPhoto


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name", "city", "description")


@register(OrganizationPhoto)
class OrganizationPhotoTranslation(TranslationOptions):
    fields = ("alt_text", "caption")


@register(AboutPage)
class AboutPageTranslation(TranslationOptions):
    fields = (
        "introduction",
        "president_title",
        "secretary_general_title",
        "masterplan",
        "masterplan_vision",
        "source",
    )


@register(AboutEntry)
class AboutEntryTranslation(TranslationOptions):
    fields = ("title", "text")
