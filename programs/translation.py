"""Translatable texts of programs and calls (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, Program, ProgramSection


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("summary", "description")


@register(ProgramSection)
class ProgramSectionTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "dates_note", "description")
