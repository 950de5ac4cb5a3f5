"""A notification's template context, kept as JSON until the e-mail is rendered at delivery.

``dump`` turns the context a workflow passes to ``notification_create`` into JSON; ``load``
turns it back into a context for the templates, in the language active when it is called:

- model instances are stored as references (``app_label.model`` and primary key) and read
  again at delivery, so the e-mail shows the object as it is then (an application's title,
  an event's date); a reference whose row is gone makes ``load`` raise ``StaleContext``;
- lazy translations (``gettext_lazy``, ``pgettext_lazy``, the labels of choices) keep their
  message id and are translated when the e-mail is rendered, in the recipient's language;
  other lazy texts are stored as text, in the language active when ``dump`` runs;
- dates, times, durations, decimals and UUIDs keep their type; named tuples (digest lines)
  become mappings (templates read ``item.label`` from either); tuples and query sets become
  lists; text marked safe stays safe.

Anything else makes ``dump`` raise ``TypeError``: the caller then keeps the rendering made at
creation for that notification.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

TAG = "$t"
VALUE = "v"

_TRANSLATORS: dict[str, Callable[..., str]] = {
    "gettext": translation.gettext,
    "pgettext": translation.pgettext,
}


class StaleContext(LookupError):
    """An object the notification is about no longer exists."""


def _lazy(value: Promise) -> dict[str, Any] | str:
    """A lazy translation as its message id (translated at delivery), else as text now."""
    try:
        _unpickle, (func, args, kwargs, *_result_classes) = value.__reduce__()
    except (TypeError, ValueError):
        return str(value)
    name = getattr(func, "__name__", "")
    if _TRANSLATORS.get(name) is func and not kwargs and all(isinstance(arg, str) for arg in args):
        return {TAG: name, VALUE: list(args)}
    return str(value)


def dump(value: Any) -> Any:
    """``value`` as JSON-compatible data that ``load`` turns back into a template context."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Promise):
        return _lazy(value)
    if isinstance(value, SafeData):
        return {TAG: "safe", VALUE: str(value)}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Model):
        if value.pk is None:
            raise TypeError(f"An unsaved {type(value).__name__} cannot be kept for delivery.")
        return {TAG: "model", "m": value._meta.label_lower, VALUE: dump(value.pk)}
    if isinstance(value, datetime.datetime):
        return {TAG: "datetime", VALUE: value.isoformat()}
    if isinstance(value, datetime.date):
        return {TAG: "date", VALUE: value.isoformat()}
    if isinstance(value, datetime.time):
        return {TAG: "time", VALUE: value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {TAG: "timedelta", VALUE: value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {TAG: "decimal", VALUE: str(value)}
    if isinstance(value, uuid.UUID):
        return {TAG: "uuid", VALUE: str(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {TAG: "record", VALUE: {key: dump(item) for key, item in value._asdict().items()}}
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        return [dump(item) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("Only mappings with text keys can be kept for delivery.")
        return {TAG: "dict", VALUE: {key: dump(item) for key, item in value.items()}}
    raise TypeError(f"A {type(value).__name__} cannot be kept for delivery.")


def dump_context(context: Mapping[str, Any]) -> dict[str, Any]:
    return dump(dict(context))


class _Objects:
    """Reads referenced objects once per delivery (a batch shares its application, event…)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, Any], Model] = {}

    def get(self, label: str, pk: Any) -> Model:
        key = (label, pk)
        if key not in self._cache:
            model = apps.get_model(label)
            instance = model._base_manager.filter(pk=pk).first()
            if instance is None:
                raise StaleContext(f"{label} {pk} no longer exists.")
            self._cache[key] = instance
        return self._cache[key]


def objects_cache() -> _Objects:
    """A cache to share between the ``load`` calls of one delivery."""
    return _Objects()


def load(data: Any, objects: _Objects | None = None) -> Any:
    """The value ``dump`` stored, with translations in the active language."""
    objects = objects or _Objects()
    if isinstance(data, list):
        return [load(item, objects) for item in data]
    if not isinstance(data, dict):
        return data
    tag, value = data.get(TAG), data.get(VALUE)
    if tag == "dict":
        return {key: load(item, objects) for key, item in value.items()}
    if tag == "record":
        return {key: load(item, objects) for key, item in value.items()}
    if tag == "model":
        return objects.get(data["m"], load(value, objects))
    if tag in _TRANSLATORS:
        return _TRANSLATORS[tag](*value)
    if tag == "safe":
        # Marked safe by the code that made the context; only dump() writes this tag.
        return mark_safe(value)  # noqa: S308  # nosec B308 B703
    if tag == "datetime":
        return datetime.datetime.fromisoformat(value)
    if tag == "date":
        return datetime.date.fromisoformat(value)
    if tag == "time":
        return datetime.time.fromisoformat(value)
    if tag == "timedelta":
        return datetime.timedelta(seconds=value)
    if tag == "decimal":
        return decimal.Decimal(value)
    if tag == "uuid":
        return uuid.UUID(value)
    raise ValueError(f"Unknown value in a stored notification context: {tag!r}")
