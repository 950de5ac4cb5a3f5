"""Hostile input to every HTML page of the URL conf: never a server error, never a traceback.

For each page (every pattern outside ``/admin/`` and ``/api/``, whose identifiers come from the
authorization matrix's builders), as the anonymous visitor and as a member of the owning
organization:

* the page is fetched once and its query parameters are collected: every key the view looked
  up in a ``QueryDict``, the fields of its GET forms, the keys of its ``?…`` links, and a few
  every page might read (``page``, ``q``, ``next``...);
* every parameter then gets, all at once, each hostile value: a NUL byte, CR LF, a 10 kB
  string, quotes and markup, non-ASCII digits, a huge and a negative number, an overflowing
  float; then every parameter twice (an array); then ``FUZZ_EXAMPLES`` combinations drawn by
  hypothesis (default 3; ``FUZZ_EXAMPLES=200`` for a long run);
* every field of every POST form on the page gets each hostile value, all at once;
* every identifier in the path gets hostile values its converter lets through.

The answer must be below 500 and carry no traceback. The API has its own property tests
(``tests/api/test_schemathesis.py``), on the same ``FUZZ_EXAMPLES``.
"""

import contextlib
import os
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .matrix import RULES, url_patterns

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))

HOSTILE = [
    "\x00",
    "a\r\nb",
    "x" * 10_240,
    "'\"><script>",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes, int() may not
    "²",  # a digit to str.isdigit(), to nothing else
    "99999999999999999999999",
    "-1",
    "1e999",
]
COMMON_PARAMETERS = {"page", "q", "next", "sort", "order", "year", "month", "status"}
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Exception Value:|File \"/")

SKIPPED = {
    "healthz": "probes services, reads no input",
    "account_logout": "signs the member out of the client used for the rest of the test",
}
PAGES = sorted(
    {
        entry.key: entry
        for entry in url_patterns()
        if not entry.route.startswith(("admin/", "api/", "^media/"))
        and entry.key not in SKIPPED
        and (not entry.kwargs or (entry.key in RULES and not RULES[entry.key].not_an_object))
    }.items()
)
WITH_IDENTIFIERS = [(key, entry) for key, entry in PAGES if entry.kwargs]

pytestmark = pytest.mark.django_db


class QueryParameters(HTMLParser):
    """Names a page's GET forms submit, and the keys of its ``?…`` links."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea", "button"} and self._in_get_form:
            if attributes.get("name"):
                self.names.add(attributes["name"])
        elif tag == "a" and "?" in (attributes.get("href") or ""):
            query = urlsplit(attributes["href"]).query
            self.names.update(key for key, _value in parse_qsl(query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


class PostForms(HTMLParser):
    """Each POST form of a page: its action and the names of its fields (files aside)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: set[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._current = set()
            self.forms.append((attributes.get("action") or "", self._current))
        elif tag in {"input", "select", "textarea"} and self._current is not None:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and attributes.get("type") != "file":
                self._current.add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@contextlib.contextmanager
def keys_read():
    """Records every key looked up in any ``QueryDict`` (``request.GET``, its copies, the
    filter sets' data) meanwhile: the parameters a view reads, whether or not a form shows them."""
    seen: set[str] = set()
    originals = {
        name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")
    }

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name in originals:
        setattr(QueryDict, name, recording(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def parameters_of(response, read: set[str]) -> list[str]:
    parser = QueryParameters()
    if "text/html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    return sorted(parser.names | read | COMMON_PARAMETERS)


def assert_handled(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        body = b"".join(response) if response.streaming else response.content
        assert not TRACEBACK.search(body.decode(errors="replace")), f"{what}: traceback shown"


def clients(world) -> dict[str, Client]:
    member = Client()
    member.force_login(world.owner)
    return {"anonymous": Client(), "member": member}


def page_url(key, entry, world) -> str:
    if not entry.kwargs:
        return reverse(key)
    case = RULES[key].build(world)
    return reverse(key, args=case.args or None, kwargs=case.kwargs or None)


@pytest.mark.parametrize(("key", "entry"), PAGES, ids=[key for key, _entry in PAGES])
def test_hostile_query_parameters(key, entry, world):
    url = page_url(key, entry, world)
    for who, client in clients(world).items():
        with keys_read() as read:
            first = client.get(url)
        assert_handled(first, f"{key} as {who}")
        if first.status_code == 405:
            continue  # POST-only: reads no query string
        names = parameters_of(first, read)
        for value in HOSTILE:
            response = client.get(url, dict.fromkeys(names, value))
            assert_handled(response, f"{key} as {who}, every parameter = {value[:12]!r}")
        arrays = urlencode([(name, value) for name in names for value in ("1", "\x00")])
        assert_handled(client.get(f"{url}?{arrays}"), f"{key} as {who}, arrays")
        _fuzz(client, url, names, f"{key} as {who}")


def _fuzz(client, url, names, what):
    values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
    queries = st.dictionaries(st.sampled_from(names), st.lists(values, min_size=1, max_size=3))

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(query=queries)
    def run(query):
        pairs = [(name, value) for name, values in query.items() for value in values]
        assert_handled(client.get(f"{url}?{urlencode(pairs)}"), f"{what}: {pairs!r}"[:300])

    run()


@pytest.mark.parametrize(("key", "entry"), PAGES, ids=[key for key, _entry in PAGES])
def test_hostile_form_fields(key, entry, world):
    """Every field of every POST form on the page, set to each hostile value at once."""
    url = page_url(key, entry, world)
    for who, client in clients(world).items():
        page = client.get(url)
        if "text/html" not in page.get("Content-Type", "") or page.status_code != 200:
            continue
        parser = PostForms()
        parser.feed(page.content.decode(errors="replace"))
        for action, names in parser.forms:
            target = action if action.startswith("/") else url
            if not names or target.startswith(("/accounts/logout/", "/admin/")):
                continue
            for value in HOSTILE:
                response = client.post(target, dict.fromkeys(names, value))
                assert_handled(response, f"{key} as {who}: POST {target} = {value[:12]!r}")


#: Values each converter lets through to the view.
PATH_VALUES = {
    "int": ["99999999999999999999999", "0"],
    "slug": ["x" * 10_240, "-", "_"],
    "str": ["\x00", "a\r\nb", "x" * 10_240, "'\"<>", "١٢٣", "%"],
    "path": ["\x00", "../../etc/passwd", "a/b/c"],
}


def _converters(route: str) -> dict[str, str]:
    found = {
        name: converter or "str" for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)
    }
    for name in re.findall(r"\(\?P<(\w+)>", route):
        found.setdefault(name, "str")
    return found


@pytest.mark.parametrize(
    ("key", "entry"), WITH_IDENTIFIERS, ids=[key for key, _entry in WITH_IDENTIFIERS]
)
def test_hostile_path_identifiers(key, entry, world):
    case = RULES[key].build(world)
    converters = _converters(entry.route)
    for who, client in clients(world).items():
        for name, converter in converters.items():
            for value in PATH_VALUES.get(converter, PATH_VALUES["str"]):
                url = _url(entry.route, {**case.kwargs, name: value})
                assert_handled(client.get(url), f"{key} as {who}, {name}={value[:12]!r}")


def _url(route: str, kwargs: dict) -> str:
    """``route`` (a path() route, or an include prefix and a regex) with ``kwargs`` quoted in."""

    def value(match) -> str:
        return quote(str(kwargs[match[1]]), safe="")

    if "^" in route:
        prefix, _, pattern = route.partition("^")
        return "/" + prefix + re.sub(r"\(\?P<(\w+)>[^)]*\)", value, pattern.rstrip("$"))
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)
