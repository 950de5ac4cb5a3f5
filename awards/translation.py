"""Translatable texts of the WeGO Awards (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Edition


@register(Edition)
class EditionTranslation(TranslationOptions):
    fields = ("theme", "description", "rules")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
