"""The sections of each application form, and what each still needs before submission.

The member portal shows a GOV.UK task list of these sections; ``missing`` drives both the
task list's statuses and the "check your answers" page, which says exactly what is missing
and links to the section where it is answered.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .enums import ApplicationKind, BudgetRange, Currency, PartnerType
from .models import Application

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUS_LABELS = {
    NOT_STARTED: _("Not yet started"),
    IN_PROGRESS: _("In progress"),
    COMPLETED: _("Completed"),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: "StrOrPromise"
    #: The name of the section's form in ``programs.forms`` (``forms.section_form_class``):
    #: named, not imported, so the services that read sections never import forms.
    form: str
    # (field, question shown on "check your answers", message when it is missing or None)
    questions: list[tuple[str, str, str | None]] = field(default_factory=list)
    intro: "StrOrPromise" = ""

    def field_names(self) -> list[str]:
        return [name for name, _question, _missing in self.questions]


SOLUTION_FINDER_SECTIONS = [
    Section(
        key="challenges",
        title=_("Urban challenges"),
        form="ChallengesForm",
        intro=_("Tell us what your city wants to solve and which areas it concerns."),
        questions=[
            (
                "urban_challenges",
                _("Urban challenges"),
                _("Describe the urban challenges your city faces"),
            ),
            ("areas", _("Areas concerned"), _("Choose at least one Smart City Driver area")),
        ],
    ),
    Section(
        key="package",
        title=_("Solution package"),
        form="PackageForm",
        intro=_(
            "The solution package is the set of components your city has in mind. Add one "
            "component per area, saying what is needed."
        ),
        questions=[
            (
                "components",
                _("Components"),
                _("Add at least one component to your solution package"),
            )
        ],
    ),
    Section(
        key="budget",
        title=_("Budget and timeline"),
        form="SolutionBudgetForm",
        questions=[
            ("budget_range", _("Budget range"), _("Choose the budget range")),
            ("timeline", _("Timeline"), _("Describe your timeline")),
        ],
    ),
    Section(
        key="partners",
        title=_("Preferred partners"),
        form="PartnersForm",
        questions=[
            (
                "preferred_partner_types",
                _("Preferred partner types"),
                _("Choose at least one type of partner"),
            )
        ],
    ),
    Section(
        key="contact",
        title=_("Contact person"),
        form="ContactForm",
        intro=_("Who WeGO should contact about this application."),
        questions=[
            ("contact_name", _("Contact person"), _("Enter the contact person's full name")),
            ("contact_title", _("Job title"), None),
            ("contact_email", _("E-mail"), _("Enter the contact person's e-mail address")),
            ("contact_phone", _("Phone"), None),
        ],
    ),
]

PROJECT_IMPLEMENTER_SECTIONS = [
    Section(
        key="project",
        title=_("About the project"),
        form="ProjectForm",
        questions=[
            ("title", _("Project title"), _("Enter the project title")),
            ("summary", _("Summary"), _("Write a summary of the project")),
        ],
    ),
    Section(
        key="objectives",
        title=_("Objectives and impact"),
        form="ObjectivesForm",
        questions=[
            ("objectives", _("Objectives"), _("Describe the objectives")),
            ("areas", _("Areas concerned"), _("Choose at least one Smart City Driver area")),
            ("expected_impact", _("Expected impact"), _("Describe the expected impact")),
        ],
    ),
    Section(
        key="budget",
        title=_("Budget and co-funding"),
        form="ProjectBudgetForm",
        intro=_(
            "Project Implementer supports projects the city co-funds. Give the total budget "
            "and the amount your city commits."
        ),
        questions=[
            ("total_budget", _("Total budget"), _("Enter the total budget")),
            (
                "cofunding_amount",
                _("Co-funding committed"),
                _("Enter the co-funding your city commits"),
            ),
            ("currency", _("Currency"), _("Choose the currency")),
        ],
    ),
    Section(
        key="plan",
        title=_("Implementation plan"),
        form="ImplementationPlanForm",
        questions=[
            (
                "implementation_plan",
                _("Implementation plan"),
                _("Describe the implementation plan"),
            )
        ],
    ),
    Section(
        key="letter",
        title=_("Supporting letter"),
        form="LetterForm",
        questions=[
            (
                "mayor_letter",
                _("Supporting letter"),
                _("Upload the supporting letter of the mayor or authority (PDF)"),
            )
        ],
    ),
]

DOCUMENTS_SECTION = Section(
    key="documents",
    title=_("Documents"),
    form="DocumentsForm",
    intro=_("The documents this call asks for, as PDF files."),
    questions=[("documents", _("Documents"), None)],
)


def sections_for(application: Application) -> list[Section]:
    """The sections of ``application``'s form (a documents section when the call asks for any)."""
    if application.kind == ApplicationKind.SOLUTION_FINDER:
        sections = list(SOLUTION_FINDER_SECTIONS)
    else:
        sections = list(PROJECT_IMPLEMENTER_SECTIONS)
    if list(application.call.documents.all()):
        sections.append(DOCUMENTS_SECTION)
    return sections


def mark_needed_to_submit(form, section: Section) -> None:
    """Flag the fields a submission needs, so they are not labelled "(optional)".

    Section forms accept a partial draft (no field is required to save), yet the application
    cannot be submitted until these are answered: the labels say what is truly optional.
    """
    needed = {name for name, _question, message in section.questions if message}
    for name, form_field in form.fields.items():
        if name in needed:
            form_field.needed_to_submit = True


def section_data(
    section: Section,
    cleaned: Mapping,
    *,
    only: Iterable[str] | None = None,
    components: list | None = None,
    documents: dict | None = None,
) -> dict:
    """The answers ``services.application_section_save`` takes, from the section form's
    cleaned data: the page and the API adapt them here, the same way.

    ``only``: the answers sent (the API saves a partial section); ``components``: the solution
    package's components; ``documents``: the uploads by call document. An empty letter field
    keeps the stored letter.
    """
    wanted = None if only is None else set(only)
    data = {
        name: value
        for name, value in cleaned.items()
        if name != "revision"
        and not name.startswith("document_")
        and (wanted is None or name in wanted)
    }
    if components is not None:
        data["components"] = components
    if documents is not None:
        data["documents"] = documents
    if section.key == "letter" and not data.get("mayor_letter"):
        data.pop("mayor_letter", None)
    return data


def get_section(application: Application, key: str) -> Section | None:
    return next((s for s in sections_for(application) if s.key == key), None)


# --- Answers -----------------------------------------------------------------------------------


def _value(application: Application, name: str, cache: dict):
    """The stored answer to ``name`` (areas, components and documents are lists)."""
    if name == "areas":
        if "areas" not in cache:
            cache["areas"] = list(application.areas.all())
        return cache["areas"]
    if name == "components":
        if "components" not in cache:
            cache["components"] = list(application.components.select_related("area"))
        return cache["components"]
    if name == "documents":
        if "documents" not in cache:
            cache["documents"] = list(
                application.attachments.filter(message__isnull=True, document__isnull=False)
            )
        return cache["documents"]
    return getattr(application.details, name)


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | tuple):
        return len(value) == 0
    if hasattr(value, "name"):  # a FieldFile
        return not value
    return False


def problems(
    application: Application, section: Section, cache: dict | None = None
) -> list[tuple[str, str]]:
    """What ``section`` still needs before submission, as ``(field, message)`` pairs."""
    cache = {} if cache is None else cache
    found: list[tuple[str, str]] = []
    for name, _question, message in section.questions:
        value = _value(application, name, cache)
        if name == "components":
            complete = [c for c in value if c.area_id and c.need.strip()]
            if not complete:
                found.append((name, str(message)))
            for number, component in enumerate(value, start=1):
                if not component.need.strip():
                    found.append(
                        (name, str(_("Say what is needed for component %(n)d")) % {"n": number})
                    )
                if not component.area_id:
                    found.append(
                        (name, str(_("Choose the area of component %(n)d")) % {"n": number})
                    )
        elif name == "documents":
            uploaded = {attachment.document_id for attachment in value}
            for document in application.call.documents.all():
                if document.required and document.pk not in uploaded:
                    found.append((name, str(_("Upload “%(name)s”")) % {"name": document.name}))
        elif message and _is_blank(value):
            found.append((name, str(message)))
    return found


def missing(application: Application, section: Section, cache: dict | None = None) -> list[str]:
    """What ``section`` still needs before the application can be submitted."""
    return [message for _field, message in problems(application, section, cache)]


def started(application: Application, section: Section) -> bool:
    return section.key in (application.section_edits or {})


def task_list(application: Application) -> list[dict]:
    """The task list: each section with its status and what it is missing."""
    cache: dict = {}
    rows = []
    for section in sections_for(application):
        problems = missing(application, section, cache)
        if not problems:
            status = COMPLETED
        else:
            status = IN_PROGRESS if started(application, section) else NOT_STARTED
        rows.append(
            {
                "section": section,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "missing": problems,
            }
        )
    return rows


def all_missing(application: Application) -> list[dict]:
    """Every missing answer with its section, for the error summary before submission."""
    return [
        {"section": row["section"], "message": message}
        for row in task_list(application)
        for message in row["missing"]
    ]


def _display(application: Application, name: str, value) -> str | list[str]:
    if _is_blank(value):
        return ""
    if name == "areas":
        return [area.name for area in value]
    if name == "components":
        return [f"{c.area.name if c.area else '—'}: {c.need}" for c in value]
    if name == "documents":
        return [
            f"{a.document.name}: {a.original_name} ({filesizeformat(a.size)})"
            for a in value
            if a.document
        ]
    if name == "budget_range":
        return str(BudgetRange(value).label) if value in BudgetRange.values else value
    if name == "preferred_partner_types":
        return [str(PartnerType(v).label) for v in value if v in PartnerType.values]
    if name == "currency":
        return str(Currency(value).label) if value in Currency.values else value
    if name in {"total_budget", "cofunding_amount"}:
        currency = application.details.currency
        text = number_format(
            value, decimal_pos=0 if value == value.to_integral() else 2, force_grouping=True
        )
        if name == "cofunding_amount" and application.details.total_budget:
            share = (Decimal(value) / application.details.total_budget * 100).quantize(Decimal("1"))
            return f"{text} {currency} ({share}% of the budget)".strip()
        return f"{text} {currency}".strip()
    if name == "mayor_letter":
        return application.details.mayor_letter_name or str(_("Uploaded"))
    return str(value)


def answers(application: Application) -> list[dict]:
    """Every section's answers for the "check your answers" page, each with what it lacks."""
    cache: dict = {}
    result = []
    for section in sections_for(application):
        lacking = problems(application, section, cache)
        rows = []
        for name, question, _message in section.questions:
            value = _value(application, name, cache)
            display = _display(application, name, value)
            rows.append(
                {
                    "name": name,
                    "question": question,
                    "value": display,
                    "is_list": isinstance(display, list),
                    "problems": [message for field, message in lacking if field == name],
                }
            )
        result.append(
            {
                "section": section,
                "rows": rows,
                "missing": [message for _field, message in lacking],
            }
        )
    return result
