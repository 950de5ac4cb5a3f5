"""``{% memo key … %}…{% endmemo %}``: a part of the page's frame rendered once per process for
each value of its key, then reused without rendering and without a cache round trip.

For the frame around every page (navigation, footer, language switcher, account links): its
HTML is a function of the active language, the URLs and the message catalogues — fixed while
the process runs — and of the few values the tag names as its key (``page_path``, whether the
user is staff, the unread count, …). Everything the body shows must be determined by those:
never data from the database, never anything of the user's that the key does not name.

A ``{% csrf_token %}`` inside is rendered as a placeholder that each use replaces with the
request's own token. Each tag keeps at most ``MAX_ENTRIES`` keys (the least recently used go
first); a change of settings (tests) empties every tag.
"""

import secrets
import threading
from collections import OrderedDict

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 512
#: Stands for the CSRF token while a body is rendered for the memo.
_TOKEN = f"memo-csrf-{secrets.token_hex(16)}"
_TOKEN_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": _TOKEN}))
_generation = [0]


def forget_all(**kwargs) -> None:
    """Empty every memo (URLs, languages or catalogues may differ under other settings)."""
    _generation[0] += 1


setting_changed.connect(forget_all, dispatch_uid="wego_portal.templatetags.memo")


class MemoNode(template.Node):
    def __init__(self, nodelist: template.NodeList, keys: list) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.entries: OrderedDict[tuple, str] = OrderedDict()
        self.generation = _generation[0]
        self.lock = threading.Lock()

    def render(self, context: template.Context) -> str:
        key = (get_language(), *(value.resolve(context) for value in self.keys))
        try:
            hash(key)
        except TypeError:  # a value that cannot be a key: render as if there were no memo
            return self.nodelist.render(context)
        with self.lock:
            if self.generation != _generation[0]:
                self.entries.clear()
                self.generation = _generation[0]
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
        if html is None:
            with context.push(csrf_token=_TOKEN):
                html = self.nodelist.render(context)
            with self.lock:
                self.entries[key] = html
                if len(self.entries) > MAX_ENTRIES:
                    self.entries.popitem(last=False)
        if _TOKEN in html:
            html = html.replace(_TOKEN_INPUT, CsrfTokenNode().render(context))
        # HTML this portal's own templates rendered (escaped there).
        return mark_safe(html)  # noqa: S308  # nosec B308 B703


@register.tag
def memo(parser, token):
    """``{% memo page_path user.is_staff %}…{% endmemo %}`` (see the module's docstring)."""
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in bits])
