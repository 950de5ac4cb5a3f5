"""In-portal notices: the inbox, opening and marking notices read, e-mail preferences.

Every notice is looked up through ``selectors.notices_for(request.user)``: another user's
notice id is a 404, never a 403 that would confirm it exists.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from . import selectors, services
from .forms import NotificationPreferencesForm
from .kinds import kinds_visible_to

INBOX_PAGE_SIZE = 20


def _safe_url(request: HttpRequest, url: str) -> str | None:
    """``url`` if it stays on this site (relative, or on SITE_URL's host), else None."""
    allowed = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed):
        return url
    return None


def _back_to_inbox(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(_safe_url(request, request.POST.get("next", "")) or "notifications:inbox")


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "notices"
    paginate_by = INBOX_PAGE_SIZE

    def get_queryset(self):
        self.unread_only = self.request.GET.get("filter") == "unread"
        return selectors.notices_for(self.request.user, unread_only=self.unread_only)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unread_count = selectors.unread_count_for(self.request.user)
        context.update(
            unread_only=self.unread_only,
            filter_query="filter=unread&" if self.unread_only else "",
            # Overrides the header's lazy count: the page already knows it.
            unread_notice_count=unread_count,
        )
        return context


class NoticeOpenView(LoginRequiredMixin, View):
    """Opening a notice marks it read and follows its link (or shows it when it has none)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(selectors.notices_for(request.user), pk=pk)
        services.notification_mark_read(notification=notice, user=request.user)
        if target := _safe_url(request, notice.url):
            return HttpResponseRedirect(target)
        return render(request, "notifications/notice_detail.html", {"notice": notice})


class MarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(selectors.notices_for(request.user), pk=pk)
        services.notification_mark_read(notification=notice, user=request.user)
        return _back_to_inbox(request)


class MarkAllReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.notification_mark_all_read(user=request.user)
        if count:
            messages.success(request, _("All notices are marked as read."))
        return _back_to_inbox(request)


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = NotificationPreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kinds"] = kinds_visible_to(self.request.user)
        kwargs["current"] = selectors.email_preferences_for(self.request.user)
        return kwargs

    def form_valid(self, form):
        services.notification_preferences_set(
            user=self.request.user, email_enabled=form.email_enabled()
        )
        messages.success(self.request, _("Your e-mail preferences are saved."))
        return redirect(reverse("notifications:preferences"))
