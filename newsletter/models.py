"""The newsletter: topics, subscribers (double opt-in) and issues sent through the outbox.

A subscriber is an address, confirmed by the link e-mailed to it; the links in every message
carry a signed form of the subscriber's ``key`` (``newsletter.tokens``), so managing the
subscription needs no account. Each issue goes to a subscriber as one outbox row
(``notifications.Notification``) whose unique idempotency key names the issue and the
subscriber: a send that is repeated or resumed never mails anyone twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.db import choices_check

from .enums import IssueState, SubscriberState


class Topic(models.Model):
    """What a subscriber wants to hear about: news, events, calls, awards."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Offered on the sign-up and preferences pages.")
    )

    class Meta:
        verbose_name = _("newsletter topic")
        verbose_name_plural = _("newsletter topics")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="subscribers", blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SubscriberState.choices, default=SubscriberState.PENDING
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    bounce_count = models.PositiveSmallIntegerField(
        _("consecutive bounces"),
        default=0,
        help_text=_("Permanent delivery failures in a row; reset by a delivered issue."),
    )
    bounced_at = models.DateTimeField(_("marked as bouncing"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("state", SubscriberState),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")),
                name="newsletter_subscriber_email_lowercase",
            ),
        ]
        indexes = [models.Index(fields=["state", "id"], name="newsletter_sub_state_idx")]

    def __str__(self) -> str:
        return self.email


class Issue(models.Model):
    """One newsletter issue (a campaign): a subject, an introduction and what it points to."""

    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    articles = models.ManyToManyField(
        "news.Article", verbose_name=_("news articles"), blank=True, related_name="+"
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("events"), blank=True, related_name="+"
    )
    calls = models.ManyToManyField(
        "programs.Call", verbose_name=_("calls for applications"), blank=True, related_name="+"
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        related_name="issues",
        help_text=_(
            "Sent to the subscribers of any of these topics; no topic: to every subscriber."
        ),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=IssueState.choices, default=IssueState.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    send_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queued_at = models.DateTimeField(
        _("all queued"),
        null=True,
        blank=True,
        help_text=_("When every recipient's e-mail was in the outbox."),
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-id"]
        constraints = [choices_check("state", IssueState)]

    def __str__(self) -> str:
        return self.subject
