from django import template

from governance import selectors

register = template.Library()


@register.simple_tag
def organization_seats(organization):
    """Every seat ``organization`` holds or held (one query), for its public profile."""
    return list(selectors.seats_of(organization))
