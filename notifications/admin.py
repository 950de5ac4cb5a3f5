"""The outbox in the back office: read-only rows, a safe preview of the HTML e-mail, and a
"Retry sending" action for failed rows. Notifications are never edited by hand."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wego_portal.admin import PortalModelAdmin, choice_label

from .enums import NotificationState
from .kinds import all_kinds
from .models import Notification, NotificationPreference
from .services import NotificationError, notification_retry

# The preview shows an e-mail body as a document of its own, framed by the admin page: no
# script, no network access, no same-origin privileges, whatever the body contains.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src data:; frame-ancestors 'self'"


class KindListFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in all_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(PortalModelAdmin):
    list_display = [
        "created_at",
        "kind_column",
        "recipient_column",
        "subject",
        "state_column",
        "attempts",
        "next_attempt_column",
        "sent_at",
    ]
    list_filter = ["state", KindListFilter, "email", "created_at"]
    search_fields = ["recipient__email", "to_email", "idempotency_key"]
    list_select_related = ["recipient"]
    list_per_page = 50
    # No date hierarchy: its years and months are a scan of every row; the "created at" filter
    # offers the usual ranges without a query. No second count of the whole table either.
    show_full_result_count = False
    actions = ["retry_sending"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind_column",
                    "state_column",
                    "recipient",
                    "to_email",
                    "about_link",
                    "url",
                    "idempotency_key",
                ]
            },
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    "email",
                    "attempts",
                    "last_error",
                    "created_at",
                    "next_attempt_at",
                    "claimed_at",
                    "claimed_by",
                    "lease_expires_at",
                    "sent_at",
                    "read_at",
                ]
            },
        ),
        (
            _("Message"),
            {"fields": ["subject", "message", "body_text_display", "html_preview", "html_source"]},
        ),
    ]
    readonly_fields = [
        "kind_column",
        "state_column",
        "recipient",
        "to_email",
        "about_link",
        "url",
        "idempotency_key",
        "email",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "claimed_by",
        "lease_expires_at",
        "sent_at",
        "read_at",
        "subject",
        "message",
        "body_text_display",
        "html_preview",
        "html_source",
    ]

    class Media:
        css = {"all": ["notifications/admin.css"]}

    # --- Never edited by hand (notifications.rules); a failed one may be sent again --------

    def has_retry_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.ask(request, "notifications.retry_notification", obj)

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description=_("kind"), ordering="kind")
    def kind_column(self, obj: Notification) -> str:
        return obj.kind_label

    @admin.display(description=_("recipient"), ordering="to_email")
    def recipient_column(self, obj: Notification) -> str:
        return obj.address

    @admin.display(description=_("next attempt"), ordering="next_attempt_at")
    def next_attempt_column(self, obj: Notification):
        """Only a queued row waits for an attempt (a deferred one: its own backoff)."""
        return obj.next_attempt_at if obj.state == NotificationState.QUEUED else "—"

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj: Notification) -> str:
        return format_html(
            '<span class="notification-state notification-state--{}">{}</span>',
            obj.state,
            choice_label(NotificationState, obj.state),
        )

    @admin.display(description=_("about"))
    def about_link(self, obj: Notification) -> str:
        if not obj.content_type_id:
            return "—"
        about = obj.about
        if about is None:
            return _("%(type)s #%(id)s (deleted)") % {
                "type": obj.content_type.name,  # type: ignore[union-attr]  # a notice about something always names its type
                "id": obj.object_id,
            }
        meta = about._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[about.pk])
        except NoReverseMatch:
            return str(about)
        return format_html('<a href="{}">{}</a>', url, about)

    @admin.display(description=_("plain-text body"))
    def body_text_display(self, obj: Notification) -> str:
        return format_html('<pre class="notification-source">{}</pre>', obj.body_text)

    @admin.display(description=_("HTML body, as sent"))
    def html_preview(self, obj: Notification) -> str:
        url = reverse("admin:notifications_notification_preview", args=[obj.pk])
        return format_html(
            '<iframe class="notification-preview" sandbox src="{}" title="{}"></iframe>',
            url,
            _("Preview of the HTML e-mail"),
        )

    @admin.display(description=_("HTML source"))
    def html_source(self, obj: Notification) -> str:
        return format_html(
            '<details><summary>{}</summary><pre class="notification-source">{}</pre></details>',
            _("Show the HTML source"),
            obj.body_html,
        )

    # --- The preview ------------------------------------------------------------------------

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:object_id>/preview/", preview, name="notifications_notification_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        # The same 404 whether the row is missing or not the user's to see: a refusal must not
        # confirm that a notification exists.
        notification = self.object_or_404(request, object_id, "view")
        response = HttpResponse(notification.body_html, content_type="text/html; charset=utf-8")  # type: ignore[attr-defined]  # this admin's model is Notification
        # Set here, so the site-wide policy (which forbids framing) does not apply; admin_view
        # already marks the response never-cache.
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    # --- Actions ----------------------------------------------------------------------------

    @admin.action(description=_("Retry sending"), permissions=["retry"])
    def retry_sending(self, request: HttpRequest, queryset):
        failed = list(queryset.filter(state=NotificationState.FAILED).select_related("recipient"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Retry sending these notifications?"),
                "opts": self.model._meta,
                "failed": failed,
                "others": queryset.count() - len(failed),
                "queryset": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "notifications/admin/retry_confirmation.html", context)
        retried = 0
        for notification in failed:
            try:
                notification_retry(notification=notification)
            except NotificationError:
                continue  # no longer failed: someone retried it meanwhile
            retried += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d notification is queued to be sent again.",
                "%(count)d notifications are queued to be sent again.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )
        return None


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(PortalModelAdmin):
    list_display = ["user", "kind", "email_enabled"]
    list_filter = ["email_enabled", "kind"]
    search_fields = ["user__email", "kind"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
