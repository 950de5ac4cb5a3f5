"""People and the third-party account models, behind the portal's one admin permission model
(``wego_portal.admin``): only administrators change accounts, groups, devices and tokens."""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from wego_portal.admin import PortalAdminMixin

from . import services
from .models import User


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.api_tokens_revoke_all(user=obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, admin.utils.unquote(id))
        if user is None or not self.has_change_permission(request, user):
            # The same answer for every id: a refusal does not confirm the account exists.
            return self._get_obj_does_not_exist_redirect(request, self.opts, id)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # The password form was valid and saved: the old tokens go with the old password.
            services.api_tokens_revoke_all(user=user)
        return response


def _reregister(model, base):
    """Show a third-party model through the portal's permission mixin."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (PortalAdminMixin, base), {}))


for _model, _admin in (
    (Group, GroupAdmin),
    (EmailAddress, EmailAddressAdmin),
    (Authenticator, AuthenticatorAdmin),
    (UserSession, UserSessionAdmin),
    (AuthToken, AuthTokenAdmin),
):
    _reregister(_model, _admin)
