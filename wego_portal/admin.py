"""The back office's one authorization model: every admin page asks the django-rules.

Every ``ModelAdmin`` of the portal (and the third-party models it shows) derives from
``PortalAdminMixin``; inlines from ``PortalInlineMixin``; admins that import or export from
``PortalImportMixin`` / ``PortalExportMixin``. The mixin answers:

* ``has_view/add/change/delete_permission`` with ``<app>.<action>_<model>`` from the rules, with
  the object when there is one. Only the rules are asked, never Django's model permissions: a
  group's ``change_organization`` would otherwise grant every organization of every region.
  A model without rules is closed to everyone.
* ``get_queryset``: the Secretariat sees every row, other staff the rows of their offices
  (``office_scope``) or what ``scope_queryset`` allows; everyone else nothing. So a list never
  shows what the change page would refuse, and a row outside the scope is "not found".
* the choices of every foreign key and many-to-many field: what the related model's admin would
  list for this user (an organization of another region cannot be picked).
* changelist actions: each declares its permissions (``@admin.action(permissions=[...])``) and
  each selected row is checked with them; an action without permissions is not offered.
* custom views: ``object_or_404`` finds the object in the scoped list and checks the named
  permission on it.
* history: refused before the object is looked up, and only for rows in the scope.
* confirmation pages of actions: ``ConfirmActionMixin`` (one way to ask "are you sure?").
* import and export: ``<app>.import_<model>`` and ``<app>.export_<model>``; the export is the
  changelist's rows; every text cell of an export is neutralised (``wego_portal.spreadsheets``).
"""

from __future__ import annotations

import dataclasses
import functools

import rules
from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin, ImportExportMixin

from members.rules import is_secretariat, staffed_office_ids

from .pagination import EstimatedCountPaginator
from .spreadsheets import neutralise

ACTIONS = ("view", "add", "change", "delete")
#: The label Django's admin gives a row's selection box (a message of Django's catalogues).
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"


def permission_name(model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def ask(user, name: str, obj=None) -> bool:
    """Does the rule ``name`` allow ``user`` (an active staff member) on ``obj``?

    An answer without an object is kept on the user for the request: a page asks the same
    few (view, add, change, delete of each model) many times, for the sidebar and each row.
    """
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if obj is not None:
        return rules.has_perm(name, user, obj)
    answers = getattr(user, "_wego_rule_answers", None)
    if answers is None:
        answers = {}
        user._wego_rule_answers = answers
    if name not in answers:
        answers[name] = rules.has_perm(name, user)
    return answers[name]


class ConfirmActionMixin:
    """A changelist action that asks first: a confirmation page, then the action itself.

    The action shows ``confirmation_page`` (which posts the selection back with
    ``confirmed=yes``) until ``action_confirmed``; a form on the page is bound only then
    (``confirmation_form``)::

        form = self.confirmation_form(request, ReturnForm)
        if form.is_bound and form.is_valid():
            ...  # call the service for each row, message the user
            return None
        return self.confirmation_page(request, title=..., objects=queryset, form=form)
    """

    confirmation_template = "admin/confirm_action.html"

    @staticmethod
    def action_confirmed(request: HttpRequest) -> bool:
        return request.POST.get("confirmed") == "yes"

    def confirmation_form(self, request: HttpRequest, form_class, **kwargs):
        """``form_class`` bound to the POST once confirmed, else unbound (the first show)."""
        return form_class(request.POST if self.action_confirmed(request) else None, **kwargs)

    def confirmation_page(
        self,
        request: HttpRequest,
        *,
        title,
        objects=(),
        action: str | None = None,
        template: str | None = None,
        **context,
    ) -> TemplateResponse:
        """The page listing ``objects`` with ``explanation``/``form``/``submit_label`` (any
        extra context), posting ``action`` (default: the action being run) again."""
        return TemplateResponse(
            request,
            template or self.confirmation_template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "objects": objects,
                "action": action or request.POST.get("action", ""),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                **context,
            },
        )


class PortalAdminMixin(ConfirmActionMixin):
    """Permissions, scope, choices, actions and history from the django-rules."""

    #: Lookup path from the model to its ``Office``: rows regional-office staff may see.
    office_scope: str | None = None
    #: Rule names that differ from ``<app>.<action>_<model>`` (e.g. a back-office variant).
    permission_names: dict[str, str] = {}
    #: Relation fields that only mention a public record (see ``limit_choices``).
    public_choices: tuple[str, ...] = ()

    # -- permissions ----------------------------------------------------------------------

    def ask(self, request: HttpRequest, action_or_name: str, obj=None) -> bool:
        return ask(request.user, self.rule_name(action_or_name), obj)

    def rule_name(self, action_or_name: str) -> str:
        if "." in action_or_name:
            return action_or_name
        return self.permission_names.get(action_or_name) or permission_name(
            self.model, action_or_name
        )

    def has_module_permission(self, request):
        return any(self.ask(request, action) for action in ("view", "change", "add"))

    def has_view_permission(self, request, obj=None):
        return self.ask(request, "view", obj) or self.ask(request, "change", obj)

    def has_add_permission(self, request, *args):
        return self.ask(request, "add")

    def has_change_permission(self, request, obj=None):
        return self.ask(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self.ask(request, "delete", obj)

    # -- the list ---------------------------------------------------------------------------

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """An unfiltered list of a big table shows PostgreSQL's row estimate, not a COUNT(*)."""
        paginator = self.paginator
        if paginator is Paginator:  # the default: an admin naming its own keeps it
            paginator = EstimatedCountPaginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def action_checkbox(self, obj):
        """The row's selection box, as Django's admin renders it, without a widget template
        per row (a tenth of a long list's rendering time)."""
        # Django's own message, translated by Django's catalogues.
        label = gettext(ACTION_CHECKBOX_LABEL)
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            admin.helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(label, str(obj)),
        )

    # -- scope ----------------------------------------------------------------------------

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """The rows a staff member outside the Secretariat may see (default: their offices')."""
        if self.office_scope:
            return queryset.filter(**{f"{self.office_scope}__in": staffed_office_ids(request.user)})
        return queryset.none()

    def permitted_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.has_view_permission(request):
            return queryset.none()
        if is_secretariat(request.user):
            return queryset
        return self.scope_queryset(request, queryset)

    def get_queryset(self, request):
        return self.permitted_queryset(request, super().get_queryset(request))

    def object_or_404(self, request: HttpRequest, pk, permission: str = "view") -> Model:
        """A custom view's object: in this user's list, and ``permission`` on it (else 403)."""
        try:
            obj = self.get_queryset(request).get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError, ValidationError):
            raise Http404 from None
        if not self.ask(request, permission, obj):
            raise PermissionDenied
        return obj

    # -- choices ----------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_choices(self, request, db_field, field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return limit_choices(self, request, db_field, field)

    # -- actions ----------------------------------------------------------------------------

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        guarded = {}
        for name, action in actions.items():
            permissions = getattr(action.func, "allowed_permissions", None)
            if name == "export_admin_action":
                permissions = ("export",)
            if not permissions:
                continue  # every action says which permission it needs
            guarded[name] = dataclasses.replace(action, func=guard_action(action.func, permissions))
        return guarded

    # -- history --------------------------------------------------------------------------

    def _history_scope(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return None

    def history_view(self, request, object_id, extra_context=None):
        refusal = self._history_scope(request, object_id)
        if refusal is not None:
            return refusal
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refusal = self._history_scope(request, object_id)
        if refusal is not None:
            return refusal
        return super().history_form_view(request, object_id, version_id, extra_context)


def choice_label(choices, value):
    """``value``'s label in the ``choices`` enum, as ``get_FOO_display`` gives it (the value
    itself when it is no choice), without rebuilding and translating every choice of the
    field: a list column calls it for each row."""
    try:
        return choices(value).label
    except ValueError:
        return value


def guard_action(func, permissions):
    """The action, refusing (403) when any selected row fails one of its permissions."""

    @functools.wraps(func)
    def guarded(model_admin, request, queryset):
        for obj in queryset:
            for permission in permissions:
                check = getattr(model_admin, f"has_{permission}_permission")
                if not check(request, obj):
                    raise PermissionDenied
        return func(model_admin, request, queryset)

    guarded.allowed_permissions = tuple(permissions)
    return guarded


def limit_choices(model_admin, request, db_field, field):
    """Restrict a relation's choices to what the related model's admin lists for this user.

    ``public_choices`` names the fields that only *mention* a public record (an event's host
    organization, an application's stakeholder): naming it grants nothing over it, so any of
    the field's own choices may be picked.
    """
    if field is None or not hasattr(field, "queryset"):
        return field
    if db_field.name in getattr(model_admin, "public_choices", ()):
        return field
    related_admin = model_admin.admin_site._registry.get(db_field.remote_field.model)
    if isinstance(related_admin, PortalAdminMixin):
        field.queryset = related_admin.permitted_queryset(request, field.queryset)
    return field


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    """The base of every ``ModelAdmin`` of the portal."""


class PortalInlineMixin:
    """An inline is seen with its parent and edited by whoever may change the parent."""

    #: Read-only inlines (records, scores, transitions) never add, change or delete.
    read_only = False
    #: Relation fields that only mention a public record (see ``limit_choices``).
    public_choices: tuple[str, ...] = ()

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def _may_edit(self, request, obj) -> bool:
        return not self.read_only and self._parent_admin().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_choices(self, request, db_field, field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return limit_choices(self, request, db_field, field)


class PortalTabularInline(PortalInlineMixin, admin.TabularInline):
    pass


class PortalStackedInline(PortalInlineMixin, admin.StackedInline):
    pass


# --- Import and export -------------------------------------------------------------------------


class PortalResource(resources.ModelResource):
    """Every export cell neutralised; imports scoped by ``check_row_scope``.

    ``supports_office_scope``: regional-office staff may import with this resource (each row is
    then checked by ``check_row_scope``); otherwise importing is the Secretariat's alone.
    """

    supports_office_scope = False

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def check_row_scope(self, instance, user) -> None:
        """Raise ``ValidationError`` when ``user`` may not write ``instance`` as it stands."""
        if not ask(user, permission_name(self._meta.model, "change"), instance):
            raise ValidationError(_("You may not change this record."))

    def after_init_instance(self, instance, new, row, **kwargs):
        # Before the diff is computed: a refused row shows none of the record's current values.
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            self.check_row_scope(instance, kwargs.get("user"))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        if instance._state.adding and not ask(user, permission_name(self._meta.model, "add")):
            raise ValidationError(_("You may not add new records here."))
        self.check_row_scope(instance, user)


class PortalExportMixin(ExportMixin):
    """Export: ``<app>.export_<model>``; the rows are the changelist's (its scope and filters)."""

    def has_export_permission(self, request):
        return self.ask(request, "export")


class PortalImportExportMixin(PortalExportMixin, ImportExportMixin):
    """Import: ``<app>.import_<model>``; outside the Secretariat only with a resource that
    supports office scope, and every row is checked against the user's scope."""

    def has_import_permission(self, request):
        if not self.ask(request, "import"):
            return False
        if is_secretariat(request.user):
            return True
        return all(
            getattr(resource, "supports_office_scope", False)
            for resource in self.get_import_resource_classes(request)
        )


class PortalExportModelAdmin(PortalAdminMixin, PortalExportMixin, admin.ModelAdmin):
    """An admin with export (the portal's permission mixin comes first: it guards the export
    action that import-export adds)."""


class PortalImportExportModelAdmin(PortalAdminMixin, PortalImportExportMixin, admin.ModelAdmin):
    """An admin with import and export."""
