from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import user_get_or_create_verified

DEMO_PASSWORD = "wego-demo-2026"  # noqa: S105 (documented demo password, DEBUG only)
DEMO_ACCOUNTS = [
    # (e-mail, name, role, organization slug)
    ("secretariat@demo.wego.local", "Secretariat Officer", "secretariat", None),
    ("seoul@demo.wego.local", "Seoul Smart City Officer", "member", "seoul"),
    ("makati@demo.wego.local", "Makati Smart City Officer", "member", "makati"),
]


class Command(BaseCommand):
    help = "Create the demo accounts (DEBUG only) and print them. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created when DEBUG is on.")
        from members.services import demo_member_link  # members owns organizations

        users, table = {}, []
        for email, name, role, org_slug in DEMO_ACCOUNTS:
            user, _ = user_get_or_create_verified(
                email=email, full_name=name, password=DEMO_PASSWORD, is_staff=role == "secretariat"
            )
            if role == "secretariat" and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            org_name = demo_member_link(user=user, organization_slug=org_slug) if org_slug else None
            what = (
                "staff, superuser"
                if role == "secretariat"
                else f"member user of {org_name or org_slug}"
            )
            table.append(f"  {email:<32} {what}")
            users[role if role == "secretariat" else org_slug] = user

        from accounts.demo import demo_data_create

        lines = list(demo_data_create(users=users))
        # Printed last, after any e-mails the console backend shows, so it is easy to find.
        self.stdout.write(self.style.MIGRATE_HEADING("Demo data"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo accounts (password: {DEMO_PASSWORD})"))
        for line in table:
            self.stdout.write(line)
