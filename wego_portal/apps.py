from django.apps import AppConfig


class WegoPortalConfig(AppConfig):
    name = "wego_portal"
    verbose_name = "WeGO Portal"

    def ready(self) -> None:
        plain_querysets_for_translated_models()
        # Task metrics, task log lines and the request id inside workers (signal handlers).
        from .observability import celery  # noqa: F401


def plain_querysets_for_translated_models() -> None:
    """Give the translated models their own managers back (django-modeltranslation swaps them).

    modeltranslation's managers rewrite every lookup and ordering on a translated field to the
    current language's column (``name`` → ``name_ko``) and turn ``Meta.ordering`` into an
    explicit ``ORDER BY`` (which then enters every ``GROUP BY``). The portal keeps its queries
    language-independent instead: lookups use the base column, the directory searches every
    language's name through ``search_text``. So the per-language copies of indexes and
    constraints that modeltranslation adds for those rewritten queries are dropped too. What
    modeltranslation still does: the columns, the attribute that reads the current language
    with fallback, the admin per language.
    """
    from django.conf import settings
    from django.db.models import Manager
    from django.db.models.options import Options
    from modeltranslation.manager import MultilingualManager, MultilingualQuerysetManager
    from modeltranslation.translator import translator

    for model in translator.get_registered_models(abstract=False):
        for manager in model._meta.local_managers:
            cls = manager.__class__
            if cls is MultilingualManager:
                manager.__class__ = Manager
            elif issubclass(cls, MultilingualManager):
                # Undoing modeltranslation's patch: the manager's own class before it.
                manager.__class__ = next(  # type: ignore[assignment]
                    base
                    for base in cls.__bases__
                    if not issubclass(base, MultilingualQuerysetManager)
                )
        languages = [code for code, _name in settings.LANGUAGES]
        model._meta.indexes = [
            index for index in model._meta.indexes if not _is_language_copy(index.name, languages)
        ]
        model._meta.constraints = [
            c for c in model._meta.constraints if not _is_language_copy(c.name, languages)
        ]
        model._meta.__class__ = Options
        model._meta._expire_cache()  # type: ignore[attr-defined]  # Options' private cache reset


def _is_language_copy(name: str, languages: list[str]) -> bool:
    return any(name.endswith(f"-{code}") for code in languages)
