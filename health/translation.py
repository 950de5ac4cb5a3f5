"""Translatable texts of the Smart Health Responder (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Initiative, Material, Supplier


@register(Initiative)
class InitiativeTranslation(TranslationOptions):
    fields = ("title", "summary", "outcomes")


@register(Material)
class MaterialTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Supplier)
class SupplierTranslation(TranslationOptions):
    fields = ("description", "products")
