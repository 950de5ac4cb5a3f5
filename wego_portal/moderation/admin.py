"""The back office's side of moderation: the queue filter, the status tag and the "publish" /
"return with a note" actions, for any ``ModelAdmin`` of a ``Moderated`` model."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .enums import ModerationStatus
from .forms import ReturnForm
from .services import Moderation, moderation_publish, moderation_return

#: Status -> the back office's tag colours (admin.css); the tag always says the status in words.
STATUS_CSS = {
    ModerationStatus.DRAFT: "former",
    ModerationStatus.SUBMITTED: "pending",
    ModerationStatus.PUBLISHED: "approved",
    ModerationStatus.RETURNED: "rejected",
}


def status_tag(obj, css: dict | None = None) -> str:
    """The status in words, in the colour of ``css`` (default: ``STATUS_CSS``)."""
    return format_html(
        '<strong class="status status--{}">{}</strong>',
        (css or STATUS_CSS).get(obj.status, "former"),
        obj.get_status_display(),
    )


class StatusQueueFilter(admin.SimpleListFilter):
    """A status filter whose default is the queue (``default``), with an "All" choice."""

    title = _("status")
    parameter_name = "status"
    choices_enum = ModerationStatus
    default = ModerationStatus.SUBMITTED

    def lookups(self, request, model_admin):
        return [*self.choices_enum.choices, ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        return queryset if value == "all" else queryset.filter(status=value)


class ModerationAdminMixin:
    """``publish`` and ``return_to_city`` actions (add them to ``actions``), the status column
    and the public link, for the admin of a ``Moderated`` model.

    The admin sets ``moderation`` (the kind's ``Moderation``) and the two success messages
    (``ngettext_lazy`` with ``%(n)d``). Both actions need ``moderation.permission`` on every
    selected row and call the moderation services, which check it again.
    """

    #: ModelAdmin's, which this mixin is combined with (declared for the type checker only).
    message_user: Callable[..., None]

    moderation: Moderation
    published_message = ngettext_lazy(
        "%(n)d contribution published; the city was told.",
        "%(n)d contributions published; the cities were told.",
        "n",
    )
    returned_message = ngettext_lazy(
        "%(n)d contribution returned; the city was e-mailed your note.",
        "%(n)d contributions returned; the cities were e-mailed your note.",
        "n",
    )
    moderation_readonly_fields = (
        "status",
        "moderation_note",
        "public_link",
        "created_by",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "published_at",
    )
    #: The "Record" fieldset's fields.
    moderation_record_fields = (
        "created_by",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "published_at",
    )

    def has_moderate_permission(self, request, obj=None):
        return self.ask(request, self.moderation.permission, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Status"), ordering="status")
    def status_column(self, obj):
        return status_tag(obj)

    @admin.display(description=_("Public page"))
    def public_link(self, obj):
        if not obj.pk or not obj.is_published:
            return _("Not public")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View on the site"))

    def _moderate_each(self, request, queryset, move, success) -> None:
        done = 0
        for obj in queryset:
            try:
                move(obj)
            except self.moderation.error as exc:
                self.message_user(request, f"{obj}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, success % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected ones"), permissions=["moderate"])
    def publish(self, request, queryset):
        self._moderate_each(
            request,
            queryset,
            lambda obj: moderation_publish(
                moderation=self.moderation, obj=obj, published_by=request.user
            ),
            self.published_message,
        )

    @admin.action(
        description=_("Return the selected ones to the city, with a note"),
        permissions=["moderate"],
    )
    def return_to_city(self, request, queryset):
        form = self.confirmation_form(request, ReturnForm)
        if form.is_bound and form.is_valid():
            note = form.cleaned_data["note"]
            self._moderate_each(
                request,
                queryset,
                lambda obj: moderation_return(
                    moderation=self.moderation, obj=obj, returned_by=request.user, note=note
                ),
                self.returned_message,
            )
            return None
        return self.confirmation_page(
            request,
            template="admin/moderation/return_with_note.html",
            title=_("Return to the city with a note"),
            objects=queryset,
            form=form,
            action="return_to_city",
        )
