"""Rendering a notification's subject, bodies and in-portal message from its kind's templates.

HTML templates are autoescaped (user-entered text in the context can never inject markup);
plain-text templates and the subject are rendered with autoescaping off, so "R&D" stays "R&D".
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.text import Truncator

from wego_portal.links import absolute_url

from .kinds import NotificationKind

SUBJECT_MAX_LENGTH = 255
MESSAGE_MAX_LENGTH = 300
FALLBACK_HTML_TEMPLATE = "notifications/email/fallback.html"


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    body_text: str
    body_html: str
    message: str


def _render_text(template_name: str, context: dict[str, Any]) -> str:
    # The backend's Template wraps django.template.base.Template; rendering the inner one with
    # a plain Context is how autoescaping is switched off for text/plain output.
    template = get_template(template_name).template  # type: ignore[attr-defined]  # the Django backend's Template
    return template.render(Context(context, autoescape=False))


def _one_line(text: str, limit: int) -> str:
    return Truncator(" ".join(text.split())).chars(limit)


def render_notification(
    *, kind: NotificationKind, context: dict[str, Any], recipient=None, to_email: str = "", url=""
) -> RenderedNotification:
    """Render ``kind``'s templates for one recipient.

    Templates receive the caller's ``context`` plus (taking precedence) ``recipient`` (a user or
    None), ``recipient_name``, ``to_email``, ``kind``, ``site_url``, ``notice_url`` (``url`` made
    absolute) and ``preferences_url`` (empty for mandatory kinds and people without account);
    HTML templates also get ``email_subject`` and ``email_body_text``.
    """
    preferences_url = ""
    if recipient is not None and not kind.mandatory:
        preferences_url = absolute_url(reverse("notifications:preferences"))
    full_context = {
        **context,
        "recipient": recipient,
        "recipient_name": recipient.get_short_name() if recipient is not None else "",
        "to_email": to_email or (recipient.email if recipient is not None else ""),
        "kind": kind,
        "site_url": settings.SITE_URL.rstrip("/"),
        "notice_url": absolute_url(url) if url else "",
        "preferences_url": preferences_url,
    }
    subject = _one_line(_render_text(kind.subject_template, full_context), SUBJECT_MAX_LENGTH)
    body_text = _render_text(kind.text_template, full_context).strip() + "\n"
    try:
        html_template = get_template(kind.html_template)
    except TemplateDoesNotExist:
        html_template = get_template(FALLBACK_HTML_TEMPLATE)
    body_html = html_template.render(
        {**full_context, "email_subject": subject, "email_body_text": body_text}
    )
    try:
        message = _render_text(kind.notice_template, full_context)
    except TemplateDoesNotExist:
        message = subject
    return RenderedNotification(
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        message=_one_line(message, MESSAGE_MAX_LENGTH),
    )
