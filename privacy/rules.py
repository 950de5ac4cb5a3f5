"""Who may do what with personal data (django-rules).

Everyone signed in exports their own data, may ask to delete their account and withdraws their
own consents. Only the
Secretariat exports or erases a visitor's data, reads deletion requests, consent records and
retention runs. The audit log: the Secretariat reads every entry, regional-office staff the
entries of their offices (the admin scopes the list); nobody edits or deletes an entry.
"""

import rules

from members.rules import is_back_office_staff, is_secretariat

rules.add_perm("privacy.export_own_data", rules.is_authenticated & rules.is_active)
rules.add_perm("privacy.erase_own_account", rules.is_authenticated & rules.is_active)
# Withdrawing one's own consent (the service finds only the person's own records).
rules.add_perm("privacy.withdraw_own_consent", rules.is_authenticated)
rules.add_perm("privacy.export_visitor_data", is_secretariat)
rules.add_perm("privacy.erase_visitor_data", is_secretariat)

for _model in ("dataexport", "erasurerequest", "consentrecord", "retentionrun"):
    rules.add_perm(f"privacy.view_{_model}", is_secretariat)
    rules.add_perm(f"privacy.add_{_model}", rules.always_deny)
    rules.add_perm(f"privacy.change_{_model}", rules.always_deny)
    rules.add_perm(f"privacy.delete_{_model}", rules.always_deny)
rules.add_perm("privacy.export_consentrecord", is_secretariat)

rules.add_perm("auditlog.view_logentry", is_back_office_staff)
rules.add_perm("auditlog.export_logentry", is_back_office_staff)
rules.add_perm("auditlog.add_logentry", rules.always_deny)
rules.add_perm("auditlog.change_logentry", rules.always_deny)
rules.add_perm("auditlog.delete_logentry", rules.always_deny)
