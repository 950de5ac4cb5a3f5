"""Translatable texts of the project catalog (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Project


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "problem", "solution", "results")
