"""The back-office index grouped by the Secretariat's work, not by Python package.

The admin's ``app_list`` (already filtered by the user's permissions) is regrouped into
sections; the technical models (tokens, authenticators, sessions, e-mail records, the outbox)
are listed for superusers only. A model no section names falls into "Other", so nothing a
user may open ever disappears from the index.
"""

from django.utils.translation import gettext_lazy as _

#: (section, [app_label or app_label.model_name, ...]) in the order the index shows them.
SECTIONS = [
    (
        "members",
        _("Members and offices"),
        ["members.organization", "members.membershipapplication", "members.organizationuser"],
    ),
    ("programs", _("Programs and applications"), ["programs"]),
    ("events", _("Events"), ["events"]),
    ("awards", _("WeGO Awards"), ["awards"]),
    ("content", _("Projects, Smart Health and reports"), ["catalog", "health", "reports"]),
    ("network", _("Offices and staff"), ["members.office", "accounts.user", "auth.group"]),
]
TECHNICAL = (
    "technical",
    _("Technical records (superusers)"),
    ["knox", "mfa", "usersessions", "account", "notifications", "django_celery_beat"],
)
OTHER = ("other", _("Other"))


def _section_for(app_label: str, model_name: str, sections) -> str | None:
    for key, _label, members in sections:
        if f"{app_label}.{model_name}" in members:
            return key
    for key, _label, members in sections:
        if app_label in members:
            return key
    return None


def grouped_app_list(app_list: list[dict], user) -> list[dict]:
    """``app_list`` regrouped into sections shaped like admin apps (name, app_label, models)."""
    sections = [*SECTIONS, TECHNICAL]
    grouped: dict[str, list[dict]] = {key: [] for key, _label, _m in sections}
    grouped[OTHER[0]] = []
    for app in app_list:
        for model in app["models"]:
            key = _section_for(app["app_label"], model["object_name"].lower(), sections)
            grouped[key or OTHER[0]].append({**model, "app_label": app["app_label"]})
    labels = {key: label for key, label, _m in sections} | {OTHER[0]: OTHER[1]}
    order = [key for key, _l, _m in SECTIONS] + [OTHER[0], TECHNICAL[0]]
    result = []
    for key in order:
        if key == TECHNICAL[0] and not user.is_superuser:
            continue
        if grouped[key]:
            result.append({"key": key, "name": labels[key], "models": grouped[key]})
    return result
