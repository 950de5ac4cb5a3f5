"""Head tags for search engines and sharing: ``{% capture %}``, canonical address, share
image and JSON-LD (see ``wego_portal.seo``)."""

import html
import re

from django import template
from django.utils.html import escape, strip_tags

from wego_portal import seo

register = template.Library()

_SPACES = re.compile(r"\s+")


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        text = html.unescape(strip_tags(self.nodelist.render(context)))
        # Visible to the rest of the template, blocks and includes alike.
        context.dicts[0][self.name] = escape(_SPACES.sub(" ", text).strip())  # escaped: safe
        return ""


@register.tag
def capture(parser, token):
    """``{% capture name %}…{% endcapture %}``: the rendered text (tags stripped, spaces
    collapsed, escaped once) kept as ``name``, so a block can feed ``<title>`` and the
    OpenGraph tags alike. Blocks inside it are overridden by child templates as usual."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("capture takes one name: {% capture name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.filter
def absolute(value) -> str:
    """A path (or URL) as an absolute address on SITE_URL."""
    return seo.absolute_uri(str(value or ""))


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address on SITE_URL: the path, plus the page number past the first page
    (filters and sorting are left out: they show the same content)."""
    request = context.get("request")
    if request is None:
        return seo.absolute_uri("/")
    url = seo.absolute_uri(request.path)
    number = page_number(context)
    if number > 1:
        url += f"?page={number}"
    return url


@register.simple_tag(takes_context=True)
def page_number(context) -> int:
    """The list page asked for (``?page=``), 1 when none: later pages get their own title."""
    request = context.get("request")
    page = request.GET.get("page", "") if request is not None else ""
    return int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1


@register.simple_tag(takes_context=True)
def og_locale(context) -> str:
    """The page's language as OpenGraph writes it ("ko_KR")."""
    return seo.OG_LOCALES.get(context.get("LANGUAGE_CODE") or "en", "en_US")


@register.simple_tag
def default_share_image() -> str:
    return seo.default_share_image()


@register.simple_tag
def wego_json_ld():
    return seo.json_ld_script(seo.wego_json_ld())


@register.simple_tag
def organization_json_ld(organization):
    return seo.json_ld_script(seo.organization_json_ld(organization))


@register.simple_tag
def event_json_ld(event):
    return seo.json_ld_script(seo.event_json_ld(event))


@register.simple_tag
def json_ld(data):
    return seo.json_ld_script(data)


@register.simple_tag
def article_json_ld(article):
    return seo.json_ld_script(seo.article_json_ld(article))


@register.simple_tag
def publication_json_ld(publication):
    return seo.json_ld_script(seo.publication_json_ld(publication))
