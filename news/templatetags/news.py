from django import template

from news.selectors import related_news

register = template.Library()


@register.inclusion_tag("news/_related.html")
def related_news_for(obj):
    """The latest public news about ``obj`` (a member, event, program, edition or project)."""
    return {"related_articles": related_news(obj) if obj is not None and obj.pk else []}
