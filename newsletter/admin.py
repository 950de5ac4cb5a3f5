"""The newsletter in the back office (the Secretariat only, see ``newsletter.rules``).

Topics and issues are edited in every language; an issue is previewed (HTML and text, in each
language), tested on the officer's own address, then sent, and its change page shows the send's
progress through the outbox. Subscribers are read here, filtered, exported and, on request,
unsubscribed; their state changes only through the services.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from notifications.admin import PREVIEW_CSP
from wego_portal.admin import PortalExportModelAdmin, PortalModelAdmin, PortalResource

from . import services
from .enums import IssueState
from .forms import language_choices
from .models import Issue, Subscriber, Topic
from .selectors import issue_progress


@admin.register(Topic)
class TopicAdmin(TranslationAdmin, PortalModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


class SubscriberResource(PortalResource):
    class Meta:
        model = Subscriber
        fields = (
            "email",
            "language",
            "state",
            "created_at",
            "confirmed_at",
            "unsubscribed_at",
            "bounce_count",
            "bounced_at",
        )


@admin.register(Subscriber)
class SubscriberAdmin(PortalExportModelAdmin):
    resource_classes = [SubscriberResource]
    list_display = ["email", "state", "language", "topic_list", "confirmed_at", "bounce_count"]
    list_filter = ["state", "topics", "language"]
    search_fields = ["email"]
    list_per_page = 100
    actions = ["unsubscribe_selected"]
    fields = [
        "email",
        "user",
        "state",
        "language",
        "topics",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounce_count",
        "bounced_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, *args):
        return False  # people subscribe themselves (double opt-in)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description=_("topics"))
    def topic_list(self, subscriber: Subscriber) -> str:
        return ", ".join(str(topic) for topic in subscriber.topics.all())

    @admin.action(description=_("Unsubscribe the selected addresses"), permissions=["change"])
    def unsubscribe_selected(self, request: HttpRequest, queryset):
        if not self.action_confirmed(request):
            return self.confirmation_page(
                request,
                title=_("Unsubscribe these addresses?"),
                objects=queryset,
                explanation=_("They will receive no more newsletters; their consent is withdrawn."),
            )
        count = 0
        for subscriber in queryset:
            services.unsubscribe(subscriber=subscriber)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d address unsubscribed.", "%(n)d addresses unsubscribed.", count)
            % {"n": count},
            messages.SUCCESS,
        )
        return None


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["subject", "intro", "topics", "articles", "events", "calls"]


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()


@admin.register(Issue)
class IssueAdmin(TranslationAdmin, PortalModelAdmin):
    form = IssueForm
    list_display = ["subject", "state", "send_started_at", "recipients", "progress_column"]
    list_filter = ["state"]
    search_fields = ["subject"]
    filter_horizontal = ["topics", "calls"]
    autocomplete_fields = ["articles", "events"]
    readonly_fields = [
        "state",
        "progress",
        "send_started_at",
        "send_started_by",
        "queued_at",
        "recipients",
    ]
    fieldsets = [
        (None, {"fields": ["subject", "intro", "topics"]}),
        (_("What it points to"), {"fields": ["articles", "events", "calls"]}),
        (
            _("Sending"),
            {
                "fields": [
                    "state",
                    "progress",
                    "send_started_at",
                    "send_started_by",
                    "queued_at",
                    "recipients",
                ]
            },
        ),
    ]
    change_form_template = "admin/newsletter/issue/change_form.html"
    permission_names = {"send": "newsletter.send_issue"}

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != IssueState.DRAFT:
            return False  # what was sent stays as it was sent
        return super().has_change_permission(request, obj)

    def has_send_permission(self, request, obj=None) -> bool:
        return self.ask(request, "send", obj)

    @admin.display(description=_("progress"))
    def progress_column(self, issue: Issue) -> str:
        if issue.state == IssueState.DRAFT:
            return "–"
        progress = issue_progress(issue)
        return f"{progress.sent} / {progress.total}"

    @admin.display(description=_("progress"))
    def progress(self, issue: Issue) -> str:
        if issue.pk is None or issue.state == IssueState.DRAFT:
            return _("Not sent yet.")
        p = issue_progress(issue)
        return format_html(
            '<progress max="{}" value="{}" aria-label="{}">{}%</progress> {}%<br>{}',
            p.total or 1,
            p.done,
            _("Sending progress"),
            p.percent,
            p.percent,
            _("%(sent)d sent, %(queued)d queued, %(failed)d failed, of %(total)d")
            % {"sent": p.sent, "queued": p.queued, "failed": p.failed, "total": p.total},
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:object_id>/send-test/",
                view(self.send_test_view),
                name="newsletter_issue_send_test",
            ),
            path("<int:object_id>/send/", view(self.send_view), name="newsletter_issue_send"),
            path("<int:object_id>/resume/", view(self.resume_view), name="newsletter_issue_resume"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "preview_languages": language_choices(),
            "test_form": TestSendForm(initial={"language": request.user.preferred_language}),
            "may_send": self.has_send_permission(request),
            "draft": IssueState.DRAFT,
            "sending": IssueState.SENDING,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The issue as a subscriber would read it: ``?language=ko&format=html`` (or text)."""
        issue = self.object_or_404(request, object_id, "view")
        language = request.GET.get("language", settings.LANGUAGE_CODE)
        fmt = request.GET.get("format", "html")
        if language not in dict(settings.LANGUAGES) or fmt not in ("html", "text"):
            raise Http404
        rendered = services.render_issue(issue, language=language)
        if fmt == "text":
            return HttpResponse(
                f"{rendered.subject}\n\n{rendered.body_text}",
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(rendered.body_html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def _change_page(self, issue: Issue):
        return redirect(reverse("admin:newsletter_issue_change", args=[issue.pk]))

    def send_test_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.object_or_404(request, object_id, "send")
        if request.method != "POST":
            return self._change_page(issue)
        form = TestSendForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a language for the test."), messages.ERROR)
            return self._change_page(issue)
        services.issue_send_test(
            issue=issue, by=request.user, language=form.cleaned_data["language"]
        )
        self.message_user(
            request,
            _("A test was sent to %(email)s.") % {"email": request.user.email},
            messages.SUCCESS,
        )
        return self._change_page(issue)

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.object_or_404(request, object_id, "send")
        if issue.state != IssueState.DRAFT:
            self.message_user(request, _("This issue has already been sent."), messages.ERROR)
            return self._change_page(issue)
        if request.method == "POST" and self.action_confirmed(request):
            services.issue_send(issue=issue, by=request.user)
            self.message_user(
                request,
                _("Sending started. The progress shows below; reload the page to follow it."),
                messages.SUCCESS,
            )
            return self._change_page(issue)
        topic_ids = list(issue.topics.values_list("pk", flat=True))
        count = services.recipients_of(issue, topic_ids).count()
        return TemplateResponse(
            request,
            "admin/newsletter/issue/send.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send this issue?"),
                "opts": self.model._meta,
                "original": issue,
                "count": count,
                "topics": list(issue.topics.all()),
            },
        )

    def resume_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self.object_or_404(request, object_id, "send")
        if request.method != "POST":
            return self._change_page(issue)
        try:
            services.issue_resume(issue=issue, by=request.user)
        except services.NewsletterError:
            self.message_user(
                request, _("Only an issue being sent can be resumed."), messages.ERROR
            )
        else:
            self.message_user(request, _("The send goes on where it stopped."), messages.SUCCESS)
        return self._change_page(issue)
