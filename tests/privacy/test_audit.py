from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from members.models import Organization, OrganizationUser
from programs import services as program_services
from programs.enums import ApplicationStatus
from programs.models import Application


def _entries(model, pk):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
    ).order_by("timestamp", "pk")


def test_application_status_change_is_logged_with_actor_and_change(make_application, secretariat):
    application = make_application(status=ApplicationStatus.SUBMITTED)
    program_services.application_start_review(application=application, by=secretariat)
    entry = _entries(Application, application.pk).last()
    assert entry.actor == secretariat
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes["status"] == ["submitted", "under_review"]
    assert entry.additional_data == {"office": application.organization.office_id}


def _change_form_data(page) -> dict:
    """The admin change form's current values (main form and inlines), as a browser posts them."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
        forms += [form for form in formset.forms if form.instance.pk]  # no empty extra rows
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_office_and_role_changed_in_the_admin_are_logged_with_the_actor(
    client, seoul, seoul_editor, africa_office, secretariat
):
    client.force_login(secretariat)
    url = reverse("admin:members_organization_change", args=[seoul.pk])
    data = _change_form_data(client.get(url))
    data["office"] = africa_office.pk
    prefix = next(k for k, v in data.items() if k.endswith("-user") and v == seoul_editor.pk)
    data[prefix.replace("-user", "-role")] = "primary_contact"
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        response.context["errors"],
    )
    office_entry = _entries(Organization, seoul.pk).last()
    assert office_entry.actor == secretariat
    assert office_entry.changes["office"] == [seoul.office_id, africa_office.pk]
    link = OrganizationUser.objects.get(user=seoul_editor)
    role_entry = _entries(OrganizationUser, link.pk).last()
    assert role_entry.actor == secretariat
    assert role_entry.changes["role"] == ["editor", "primary_contact"]


def test_user_groups_change_is_logged(secretariat, seoul_editor):
    from members.services import secretariat_group_ensure

    with set_actor(secretariat):
        seoul_editor.groups.add(secretariat_group_ensure())
    entry = _entries(type(seoul_editor), seoul_editor.pk).last()
    assert entry.actor == secretariat
    assert entry.changes["groups"]["operation"] == "add"


def test_secretariat_filters_and_exports_the_audit_log(client, make_application, secretariat):
    application = make_application(status=ApplicationStatus.SUBMITTED)
    program_services.application_start_review(application=application, by=secretariat)
    client.force_login(secretariat)
    ct = ContentType.objects.get_for_model(Application)
    response = client.get(
        reverse("admin:auditlog_logentry_changelist"), {"content_type__id__exact": ct.pk}
    )
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and {e.content_type_id for e in shown} == {ct.pk}
    assert "submitted → under_review" in response.content.decode()
    export = client.post(
        reverse("admin:auditlog_logentry_export"),
        {
            "format": "0",
            "export_items": [e.pk for e in shown],
            **{
                f"logentryresource_{f}": "on"
                for f in (
                    "timestamp",
                    "actor",
                    "object_type",
                    "object_pk",
                    "object_repr",
                    "action_name",
                    "changes",
                )
            },
        },
    )
    assert export.status_code == 200
    assert "under_review" in export.content.decode()


def test_office_staff_see_only_their_region(
    client, make_application, abuja, secretariat, east_asia_staff, africa_staff
):
    seoul_app = make_application(status=ApplicationStatus.SUBMITTED)
    abuja_app = make_application(status=ApplicationStatus.SUBMITTED, organization=abuja)
    for application in (seoul_app, abuja_app):
        program_services.application_start_review(application=application, by=secretariat)
    client.force_login(africa_staff)
    response = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200
    offices = {e.additional_data["office"] for e in response.context["cl"].result_list}
    assert offices == {abuja.office_id}


def test_audit_log_is_read_only_and_closed_to_members(
    client, make_application, secretariat, seoul_editor
):
    application = make_application(status=ApplicationStatus.SUBMITTED)
    program_services.application_start_review(application=application, by=secretariat)
    entry = LogEntry.objects.first()
    client.force_login(secretariat)
    assert (
        client.post(
            reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    client.force_login(seoul_editor)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 302
