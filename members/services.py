"""Member operations."""


def demo_member_link(*, user, organization_slug: str) -> str | None:
    """Link a demo user to an organization (filled in with the Organization model)."""
    return None
