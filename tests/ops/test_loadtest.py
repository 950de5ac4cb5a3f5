"""`make loadtest`'s scenario and report, without running Locust.

The locustfile is imported in a child process (Locust patches the standard library with gevent
on import: not in the test runner's process) and every task of every simulated user is run
against a recording client that answers with this database's real list pages. What it asked
for must be the pages the load test claims to cover, resolve in the URLconf, and answer 200
to the user who asks (visitor, member, staff). The report writer replaces its own section of
bench/results.md and nothing else.
"""

import importlib.util
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve

from ops.loadtest import report
from ops.loadtest.accounts import accounts_ensure, member_email, staff_email
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.factories.news import ArticleFactory
from tests.factories.programs import SolutionFinderDetailsFactory
from tests.factories.publications import PublicationFactory

ROOT = Path(__file__).resolve().parents[2]

# Runs in the child: every task of every user class, a few times (they draw at random), with a
# client that records the requests and answers GETs with the given pages.
DRIVER = r"""
import json, random, sys
random.seed(24)
pages = json.load(sys.stdin)
from locust.env import Environment
from ops.loadtest import locustfile

requests = []

class Response:
    def __init__(self, status, text):
        self.status_code, self.text = status, text
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def failure(self, message):
        requests.append({"failure": message})

class Recorder:
    def __init__(self, user):
        self.user, self.cookies = user, []
    def get(self, path, params=None, name=None, **kwargs):
        requests.append({"user": self.user, "method": "GET", "path": path, "params": params, "name": name})
        return Response(200, pages.get(path, '<input name="csrfmiddlewaretoken" value="t">'))
    def post(self, path, data=None, name=None, **kwargs):
        requests.append({"user": self.user, "method": "POST", "path": path, "data": data, "name": name})
        return Response(302, "")

classes = [locustfile.Visitor, locustfile.Member, locustfile.Staff]
environment = Environment(user_classes=classes)
for cls in classes:
    cls.host = "http://portal.test"
    user = cls(environment)
    user.client = Recorder(cls.__name__)
    user.on_start()
    for run in range(2):
        for function in dict.fromkeys(cls.tasks):
            function(user)
print(json.dumps({"requests": requests, "searches": locustfile.SEARCHES, "weights": {c.__name__: c.weight for c in classes}}))
"""

# The pages the load test is said to cover (issue 24), by URL name.
COVERED = {
    "Visitor": {
        "home",
        "members:directory",
        "members:profile",
        "events:list",
        "events:detail",
        "news:list",
        "news:detail",
        "publications:library",
        "publications:detail",
        "search:search",
    },
    "Member": {
        "account_login",
        "members:dashboard",
        "programs:applications",
        "programs:application",
        "events:my_registrations",
        "notifications:inbox",
    },
    "Staff": {
        "account_login",
        "admin:members_organization_changelist",
        "admin:programs_application_changelist",
        "admin:events_event_changelist",
        "admin:notifications_notification_changelist",
    },
}


def _scenario(pages: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps(pages),
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def network(db):
    organization = OrganizationFactory(slug="synthetic-0", name="Kalo Mi 0")
    OrganizationFactory(slug="synthetic-1", name="Sanri Go 1", country="JP")
    assert accounts_ensure(2) == "2 member and 2 staff accounts ready"
    EventFactory()
    ArticleFactory(published=True)
    PublicationFactory()
    SolutionFinderDetailsFactory(application__organization=organization)
    return organization


def _clients() -> dict[str, Client]:
    users = get_user_model().objects
    member, staff = Client(), Client()
    member.force_login(users.get(email=member_email(0)))
    staff.force_login(users.get(email=staff_email(0)))
    return {"Visitor": Client(), "Member": member, "Staff": staff}


@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="Locust is not installed in this virtualenv (make venv installs requirements/dev.txt)",
)
def test_the_scenario_covers_the_pages_and_every_request_answers(network):
    clients = _clients()
    pages = {
        path: clients["Visitor"].get(path).content.decode()
        for path in ("/members/", "/events/", "/news/", "/publications/")
    }
    pages["/portal/applications/"] = clients["Member"].get("/portal/applications/").content.decode()
    scenario = _scenario(pages)
    requests = scenario["requests"]
    assert not [r for r in requests if "failure" in r]

    requested: dict[str, set[str]] = {"Visitor": set(), "Member": set(), "Staff": set()}
    for r in requests:
        match = resolve(r["path"])  # raises Resolver404 for a path the portal does not have
        requested[r["user"]].add(match.view_name)
    for user, names in COVERED.items():
        assert names <= requested[user], (user, names - requested[user])
    # Details are opened from the real list pages (the links printed there were found).
    names = {r["name"] for r in requests}
    assert {"member profile", "event", "news article", "publication"} <= names
    assert "member: application" in names

    # Every GET answers 200 (no redirect to a sign-in page) to the user who makes it (the
    # login form: before signing in).
    asked = {
        (
            "Visitor" if r["path"] == "/accounts/login/" else r["user"],
            r["path"] + (f"?{urlencode(r['params'], doseq=True)}" if r["params"] else ""),
        )
        for r in requests
        if r["method"] == "GET"
    }
    for user, url in sorted(asked):
        response = clients[user].get(url)
        assert response.status_code == 200, (user, url, response.status_code)

    # Members and staff sign in through the login form, each with an account of their own.
    posts = [r for r in requests if r["method"] == "POST"]
    assert {(r["user"], r["path"]) for r in posts} == {
        ("Member", "/accounts/login/"),
        ("Staff", "/accounts/login/"),
    }
    assert {r["data"]["login"] for r in posts} == {member_email(0), staff_email(0)}
    assert all(r["data"]["csrfmiddlewaretoken"] for r in posts)

    # Searches in other scripts than Latin, and mostly visitors.
    scripts = {
        unicodedata.name(ch).split()[0] for q in scenario["searches"] for ch in q if ch.isalpha()
    }
    assert {"LATIN", "HANGUL", "CJK", "CYRILLIC", "ARABIC"} <= scripts
    weights = scenario["weights"]
    assert weights["Visitor"] > weights["Member"] > weights["Staff"] > 0


def test_the_accounts_sign_in_through_the_login_form(network):
    client = Client()
    for email, home in ((member_email(1), "/portal/"), (staff_email(1), "/admin/")):
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": email, "password": "wego-loadtest-2026"}
        )
        assert response.status_code == 302, email
        assert client.get(home).status_code == 200, email
    assert accounts_ensure(2) == "2 member and 2 staff accounts ready"  # idempotent
    assert get_user_model().objects.filter(email__endswith="@loadtest.example.org").count() == 4


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,directory,120,0,40,45.2,12,310,20000,4.0,0.0,40,50,55,60,80,120,200,250,300,310,310
GET,home,200,0,8,9.1,3,90,15000,6.6,0.0,8,9,10,11,14,20,40,60,90,90,90
,Aggregated,320,0,20,23.9,3,310,17000,10.6,0.0,20,30,40,45,60,90,150,220,300,310,310
"""


def _write_csv(tmp_path: Path, failures: str = "", stats: str = STATS) -> Path:
    prefix = tmp_path / "locust"
    Path(f"{prefix}_stats.csv").write_text(stats)
    Path(f"{prefix}_failures.csv").write_text("Method,Name,Error,Occurrences\n" + failures)
    Path(f"{prefix}_exceptions.csv").write_text("Count,Message,Traceback,Nodes\n")
    return prefix


def _render(results: report.Results) -> str:
    return report.render(
        results, settings={"Users": "50"}, when="2026-11-28 01:30 UTC", machine="CPU, 2 cores"
    )


def test_the_report_states_the_load_per_page_and_keeps_the_other_sections(tmp_path):
    results = report.read(_write_csv(tmp_path))
    assert results.errors == 0
    section = _render(results)
    assert "| directory | 120 | 4.00 | 0 | 40 | 120 | 250 | 310 |" in section
    assert "| **all pages** | 320 | 10.60 | 0 | 20 | 90 | 220 | 310 |" in section
    assert "total throughput: 10.6 requests/s" in section
    assert "- Errors: 0" in section and "- Users: 50" in section
    assert "Machine: CPU, 2 cores" in section

    results_md = tmp_path / "results.md"
    other = (
        "# Benchmark results\n\nIntro.\n\n<!-- bench:start -->\n| page | ms |\n|---|---|\n"
        "| x | 1 |\n<!-- bench:end -->\n\nClosing words.\n"
    )
    results_md.write_text(other)
    report.write(results_md, section)
    first = results_md.read_text()
    assert first.startswith(other)  # appended after everything else, with its markers
    assert first.count(report.START) == 1 and first.count(report.END) == 1

    rewritten = report.replace_section(first, "## Load test\n\nsecond run")
    assert rewritten == first.split(report.START)[0] + (
        f"{report.START}\n## Load test\n\nsecond run\n{report.END}\n"
    )
    # In the middle of the file: what is before and after the markers stays byte for byte.
    middle = (
        f"head\n{report.START}\nold\n{report.END}\n<!-- bench:start -->\nB\n<!-- bench:end -->\n"
    )
    assert report.replace_section(middle, "new") == (
        f"head\n{report.START}\nnew\n{report.END}\n<!-- bench:start -->\nB\n<!-- bench:end -->\n"
    )


def test_the_report_lists_the_errors(tmp_path):
    stats = STATS.replace("GET,home,200,0,", "GET,home,200,3,").replace(
        ",Aggregated,320,0,", ",Aggregated,320,3,"
    )
    failures = "GET,home,502 for /,3\n"
    results = report.read(_write_csv(tmp_path, failures, stats))
    assert results.errors == 3
    section = _render(results)
    assert "- Errors: 3" in section
    assert "| home | 200 | 6.60 | 3 |" in section
    assert "| GET | home | 502 for / | 3 |" in section


def test_the_machine_is_named():
    text = report.machine()
    assert "cores" in text
