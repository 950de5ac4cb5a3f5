"""Publications: anyone reads the published ones; the Secretariat keeps the library."""

import rules

from members.rules import is_secretariat

for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"publications.{_action}_publication", is_secretariat)
