"""Every write of privacy, by concern: ``access`` (a person's data export), ``erasure`` (erasing
a person or a visitor's data) and ``retention`` (retention runs and consent records). Import
them from ``privacy.services``.
"""

from .access import (
    ERASED,
    _collect,
    _require,
    _rows,
    data_export_build,
    data_export_is_available,
    data_export_request,
)
from .erasure import (
    _erase_email_traces,
    _redact_text,
    account_erase,
    erasure_cancel,
    erasure_confirm,
    erasure_due,
    erasure_request,
    visitor_erase,
)
from .retention import (
    CONSENT_TEXTS,
    _registrations_of,
    consent_active,
    consent_current_version,
    consent_give,
    consent_subject,
    consent_text,
    consent_withdraw,
    consent_withdraw_record,
    consents_of,
    retention_enforce,
    retention_policy,
)

__all__ = [
    "CONSENT_TEXTS",
    "ERASED",
    "_collect",
    "_erase_email_traces",
    "_redact_text",
    "_registrations_of",
    "_require",
    "_rows",
    "account_erase",
    "consent_active",
    "consent_current_version",
    "consent_give",
    "consent_subject",
    "consent_text",
    "consent_withdraw",
    "consent_withdraw_record",
    "consents_of",
    "data_export_build",
    "data_export_is_available",
    "data_export_request",
    "erasure_cancel",
    "erasure_confirm",
    "erasure_due",
    "erasure_request",
    "retention_enforce",
    "retention_policy",
    "visitor_erase",
]
