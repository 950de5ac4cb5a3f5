from django import template

from catalog import selectors

register = template.Library()


@register.simple_tag
def catalog_projects_of(organization):
    """The published catalog projects of ``organization`` (one query), for its profile."""
    return selectors.projects_of_organization(organization)
