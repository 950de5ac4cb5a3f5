"""Who may do what with the newsletter (django-rules, the one source of truth).

- **Anyone** subscribes; a subscriber manages their subscription through the signed links of
  its messages (no account, no rule: the link is the proof).
- **The Secretariat** edits topics and issues, previews, sends tests and sends issues, and
  sees (and exports) the subscribers. Regional-office staff do none of it: the newsletter
  speaks for WeGO as a whole.
"""

import rules

from members.rules import is_secretariat

for _model in ("topic", "issue", "subscriber"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"newsletter.{_action}_{_model}", is_secretariat)
rules.add_perm("newsletter.send_issue", is_secretariat)
rules.add_perm("newsletter.export_subscriber", is_secretariat)
