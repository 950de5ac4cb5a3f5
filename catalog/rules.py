"""Who may do what with the project catalog: the one source of truth (django-rules).

- A **member** (an editor of the organization) proposes projects for its organization and
  changes them while they are drafts or returned; it sees its own projects in every status.
- **Anyone** sees published projects.
- The **secretariat** moderates proposals, curates the catalog and publishes award winners and
  completed Project Implementer projects (in the back office).

Object predicates take ``(user, project)``; ``catalog.propose_project`` takes the organization.
"""

import rules

from members.rules import is_editor_of, is_secretariat

from .enums import EDITABLE_STATUSES, ProjectStatus


@rules.predicate
def is_editor_of_project_organization(user, project) -> bool:
    return project is not None and is_editor_of(user, project.organization)


@rules.predicate
def project_is_editable(user, project) -> bool:
    return project is not None and project.status in EDITABLE_STATUSES


@rules.predicate
def project_is_published(user, project) -> bool:
    return project is not None and project.status == ProjectStatus.PUBLISHED


rules.add_perm("catalog.propose_project", is_editor_of)
rules.add_perm("catalog.manage_project", is_editor_of_project_organization)
rules.add_perm("catalog.edit_project", is_editor_of_project_organization & project_is_editable)
rules.add_perm(
    "catalog.view_project",
    project_is_published | is_editor_of_project_organization | is_secretariat,
)
rules.add_perm("catalog.moderate_projects", is_secretariat)
# The back office: the Secretariat curates the catalog.
rules.add_perm("catalog.view_project_backoffice", is_secretariat)
for _action in ("add", "change", "delete"):
    rules.add_perm(f"catalog.{_action}_project", is_secretariat)
