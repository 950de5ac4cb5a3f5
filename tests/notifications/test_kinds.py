import pytest

from notifications.checks import check_kind_templates
from notifications.kinds import (
    NotificationKind,
    UnknownNotificationKind,
    all_kinds,
    get_kind,
    kinds_visible_to,
    register,
    unregister,
)
from tests.factories.accounts import UserFactory


def test_generic_kinds_are_registered_at_start_up():
    assert get_kind("account.security").mandatory is True
    assert get_kind("account.invitation").mandatory is True
    assert get_kind("staff.digest").staff_only is True
    assert get_kind("general.message").mandatory is False


def test_registering_the_same_kind_again_is_harmless():
    kind = get_kind("general.message")

    assert register(kind) is kind


def test_registering_a_different_kind_under_a_taken_key_fails():
    with pytest.raises(ValueError, match="already registered"):
        register(NotificationKind(key="general.message", label="Something else"))


def test_unknown_kind_says_where_to_register_it():
    with pytest.raises(UnknownNotificationKind, match=r"notification_kinds\.py"):
        get_kind("programs.nope")


@pytest.mark.django_db
def test_staff_only_kinds_are_visible_to_staff_only():
    member, staff = UserFactory(), UserFactory(is_staff=True)

    assert "staff.digest" not in [k.key for k in kinds_visible_to(member)]
    assert "staff.digest" in [k.key for k in kinds_visible_to(staff)]


def test_template_names_follow_the_base_name():
    kind = NotificationKind(key="events.reminder", label="Reminder", template="events/reminder")

    assert kind.subject_template == "notifications/email/events/reminder.subject.txt"
    assert kind.text_template == "notifications/email/events/reminder.txt"
    assert kind.html_template == "notifications/email/events/reminder.html"


def test_system_check_reports_a_kind_without_templates():
    register(NotificationKind(key="test.untemplated", label="No templates"))
    try:
        errors = [e for e in check_kind_templates() if "test.untemplated" in e.msg]
    finally:
        unregister("test.untemplated")
    generic = ["account.security", "account.invitation", "staff.digest", "general.message"]

    assert [e.id for e in errors] == ["notifications.E001", "notifications.E001"]
    assert "notifications/email/test.untemplated.subject.txt" in errors[0].msg
    assert not [e for e in check_kind_templates() if any(f"'{k}'" in e.msg for k in generic)]


def test_all_kinds_are_sorted_by_key():
    keys = [kind.key for kind in all_kinds()]

    assert keys == sorted(keys)
