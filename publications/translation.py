from modeltranslation.translator import TranslationOptions, register

from .models import Publication


@register(Publication)
class PublicationTranslation(TranslationOptions):
    fields = ("title", "summary")
