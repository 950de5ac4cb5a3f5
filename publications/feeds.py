from django.urls import reverse
from django.utils.translation import gettext as _

from news.feeds import FEED_SIZE, PortalAtomFeed
from wego_portal.seo import absolute_uri

from .selectors import public_publications


class PublicationsFeed(PortalAtomFeed):
    def title(self):
        return _("WeGO publications")

    def link(self):
        return absolute_uri(reverse("publications:library"))

    def items(self):
        return public_publications().order_by("-created_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at
