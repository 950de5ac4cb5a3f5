"""Atom feeds: news (all, per category, per region), events and open calls. Each page that
lists them links its feed from <head>."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from members.enums import Region
from wego_portal.seo import absolute_uri

from . import selectors
from .models import Category

FEED_SIZE = 30


class PortalAtomFeed(Feed):
    feed_type = Atom1Feed
    author_name = "WeGO"

    def item_link(self, item):
        return absolute_uri(item.get_absolute_url())

    def item_guid(self, item):
        return self.item_link(item)

    item_guid_is_permalink = True


class NewsFeed(PortalAtomFeed):
    def get_object(self, request, slug=None, region=None):
        if slug:
            return ("category", get_object_or_404(Category, slug=slug))
        if region:
            if region not in Region.values:
                raise Http404
            return ("region", region)
        return None

    def title(self, obj):
        if obj is None:
            return _("WeGO news")
        kind, value = obj
        label = value.name if kind == "category" else dict(Region.choices)[value]
        return _("WeGO news: %(topic)s") % {"topic": label}

    def link(self, obj):
        from django.urls import reverse

        return absolute_uri(reverse("news:list"))

    def subtitle(self, obj):
        return _("News of the World Smart Sustainable Cities Organization.")

    def items(self, obj):
        queryset = selectors.public_articles()
        if obj is not None:
            kind, value = obj
            queryset = (
                queryset.filter(categories=value)
                if kind == "category"
                else queryset.filter(region=value)
            )
        return queryset.select_related("office")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class EventsFeed(PortalAtomFeed):
    def title(self):
        return _("WeGO events")

    def link(self):
        from django.urls import reverse

        return absolute_uri(reverse("events:list"))

    def items(self):
        from events.selectors import public_events

        return public_events().order_by("-updated_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.date_display} · {item.summary or item.theme}".strip(" ·")

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at


class CallsFeed(PortalAtomFeed):
    def title(self):
        return _("WeGO calls for applications")

    def link(self):
        from django.urls import reverse

        return absolute_uri(reverse("programs:list"))

    def items(self):
        from programs.selectors import open_calls

        return open_calls(timezone.now())[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.program.name

    def item_pubdate(self, item):
        return item.opens_at
