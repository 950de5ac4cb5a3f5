"""Translatable texts of the published figures (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import PublishedFigure


@register(PublishedFigure)
class PublishedFigureTranslation(TranslationOptions):
    fields = ("label", "as_of", "source", "note")
