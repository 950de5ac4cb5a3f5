"""Translatable texts of events (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "theme", "summary", "description", "outcomes")
