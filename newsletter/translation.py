"""Translatable texts of the newsletter (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Issue, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Issue)
class IssueTranslation(TranslationOptions):
    fields = ("subject", "intro")
