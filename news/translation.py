from modeltranslation.translator import TranslationOptions, register

from .models import Article, Category


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "lead_image_alt")
