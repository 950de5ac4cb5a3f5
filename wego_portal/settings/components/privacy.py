"""Privacy: retention, erasure, exports, consent and the audit log."""

from ..environment import env

# --- Privacy: retention, erasure, exports, consent, audit log ----------------------------------
# Days each kind of personal data is kept (privacy.services.retention_enforce, run daily; the
# admin's retention page and docs/privacy.md show this policy).
PRIVACY_RETENTION_DAYS = {
    "event_registrations": env.int("RETAIN_EVENT_REGISTRATIONS_DAYS", default=365),
    "declined_join_requests": env.int("RETAIN_DECLINED_JOIN_REQUESTS_DAYS", default=365),
    "inquiries": env.int("RETAIN_INQUIRIES_DAYS", default=730),
    "notification_bodies": env.int("RETAIN_NOTIFICATION_BODIES_DAYS", default=180),
    "sessions": 0,  # expired sessions go at once
    "audit_log": env.int("RETAIN_AUDIT_LOG_DAYS", default=6 * 365),
    "data_exports": 0,  # an export's archive goes when its link expires
}
PRIVACY_EXPORT_LINK_DAYS = env.int("PRIVACY_EXPORT_LINK_DAYS", default=7)
PRIVACY_ERASURE_GRACE_DAYS = env.int("PRIVACY_ERASURE_GRACE_DAYS", default=14)
# The version of each consent text people agree to; raise it when the text changes.
PRIVACY_CONSENT_TEXT_VERSIONS = {"share_with_host": "1", "newsletter": "1"}
# django-auditlog: changes stored as JSON (from → to per field); no IP addresses. The actor's
# e-mail copied onto entries is cleared when that account is erased.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True
