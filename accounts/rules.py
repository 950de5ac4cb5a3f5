"""Who may manage accounts in the back office (django-rules).

People, their e-mail addresses, two-factor devices, sessions, API tokens and the staff groups
decide who is staff and what every group may do: only administrators (superusers) change them.
The Secretariat reads people (to pick a judge's or an organization contact's account).
"""

import rules

from members.rules import is_secretariat

rules.add_perm("accounts.view_user", is_secretariat)
rules.add_perm("accounts.add_user", rules.is_superuser)
rules.add_perm("accounts.change_user", rules.is_superuser)
rules.add_perm("accounts.delete_user", rules.is_superuser)

for _label in (
    "auth.group",
    "account.emailaddress",
    "mfa.authenticator",
    "usersessions.usersession",
    "knox.authtoken",
):
    _app, _model = _label.split(".")
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"{_app}.{_action}_{_model}", rules.is_superuser)
