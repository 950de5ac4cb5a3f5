"""The load test's accounts: one per simulated member or staff user, so that every simulated
user signs in as its own person (sessions, rate limits and caches as in real use).

Shared by the runner (which creates them through ``manage.py shell``) and the locustfile
(which signs in with them); imports nothing of Django at module level.
"""

PASSWORD = "wego-loadtest-2026"  # noqa: S105 (synthetic accounts of a throw-away load-test database)
DOMAIN = "loadtest.example.org"


def member_email(n: int) -> str:
    return f"member{n}@{DOMAIN}"


def staff_email(n: int) -> str:
    return f"staff{n}@{DOMAIN}"


def accounts_ensure(count: int) -> str:
    """Create ``count`` member users (each the editor of one synthetic organization, the first
    ones with Solution Finder applications) and ``count`` Secretariat staff users, all with
    ``PASSWORD``; idempotent. Runs inside Django (``manage.py shell``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.services import user_get_or_create_verified
    from members.enums import OrganizationRole
    from members.models import Organization, OrganizationUser
    from members.services import secretariat_group_ensure

    group = secretariat_group_ensure()
    organizations = list(
        Organization.objects.filter(slug__startswith="synthetic-")
        .order_by("id")
        .values_list("id", flat=True)[:count]
    ) or list(Organization.objects.order_by("id").values_list("id", flat=True)[:count])
    emails = []
    for n in range(count):
        member, _ = user_get_or_create_verified(
            email=member_email(n), full_name=f"Load test member {n}"
        )
        OrganizationUser.objects.get_or_create(
            organization_id=organizations[n % len(organizations)],
            user=member,
            defaults={"role": OrganizationRole.EDITOR},
        )
        staff, _ = user_get_or_create_verified(
            email=staff_email(n), full_name=f"Load test staff {n}", is_staff=True
        )
        staff.groups.add(group)
        emails += [member.email, staff.email]
    # One hash for all: hashing the same password once per account would only cost time.
    get_user_model().objects.filter(email__in=emails).update(password=make_password(PASSWORD))
    return f"{count} member and {count} staff accounts ready"
