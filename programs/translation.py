"""Translatable texts of programs and calls (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, Program, ProgramSection, SmartCityArea


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("summary", "description")


@register(ProgramSection)
class ProgramSectionTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "dates_note", "description")


@register(SmartCityArea)
class SmartCityAreaTranslation(TranslationOptions):
    """The 16 areas' names in every language (programs/migrations/0005_smart_city_area_names)."""

    fields = ("name",)
