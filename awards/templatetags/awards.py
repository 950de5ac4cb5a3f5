from django import template

from awards import selectors

register = template.Library()


@register.simple_tag
def awards_won_by(organization):
    """The published awards of ``organization`` (one query), for its public profile."""
    return list(selectors.awards_won_by(organization))


@register.simple_tag
def result_tag_class(result: str) -> str:
    return {"winner": "tag--green", "special_mention": ""}.get(result, "tag--grey")
