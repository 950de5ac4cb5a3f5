"""Who may generate and download annual reports, and keep WeGO's published figures: the
Secretariat only."""

import rules

from members.rules import is_secretariat

rules.add_perm("reports.view_reportrun", is_secretariat)
rules.add_perm("reports.add_reportrun", is_secretariat)
rules.add_perm("reports.change_reportrun", rules.always_deny)  # a run is a record
rules.add_perm("reports.delete_reportrun", is_secretariat)
rules.add_perm("reports.view_annual_report", is_secretariat)
rules.add_perm("reports.publish_reportrun", is_secretariat)

for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"reports.{action}_publishedfigure", is_secretariat)
