"""The load test's scenario: visitors, members and staff of the portal, with think times.

Run by ``make loadtest`` (ops/loadtest/run.py) against the two-node cluster; by hand:
``locust -f ops/loadtest/locustfile.py --host http://127.0.0.1:PORT`` with the accounts of
ops/loadtest/accounts.py in the database (LOADTEST_ACCOUNTS of each kind).

- Visitors (most users) read the home page, the directory (pages deep into the list, filters,
  searches in several scripts), member profiles, events, news, publications and site search,
  and open a profile, event, article or publication found on the list they just read.
- Members sign in through the login form once (their own account each), then read their
  dashboard, their applications (and open one), event registrations and notices.
- Staff sign in the same way and read the back office's lists: organizations (also searched),
  applications, events, notifications.

Every request must answer 200 without a redirect: a sign-in page served instead of the member's
dashboard is a failure, not a success. Request names group the statistics by page.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

try:  # run by locust: the file is loaded as a module of its own, not as ops.loadtest.locustfile
    from ops.loadtest.accounts import PASSWORD, member_email, staff_email
except ImportError:  # pragma: no cover
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from ops.loadtest.accounts import PASSWORD, member_email, staff_email

ACCOUNTS = int(os.environ.get("LOADTEST_ACCOUNTS", "50"))
ORGANIZATIONS = int(os.environ.get("LOADTEST_SCALE", "1000"))
DIRECTORY_PAGES = max(1, ORGANIZATIONS // 24)  # members.views.DIRECTORY_PAGE_SIZE

# Names, cities and countries as typed, in Latin and other scripts (the search folds accents
# and matches a country's name in every language), and a typo.
SEARCHES = [
    "seoul",
    "makati",
    "kalo",
    "sanri",
    "Bogota",
    "istanbul",
    "서울",
    "대한민국",
    "日本",
    "中国",
    "Россия",
    "Москва",
    "مصر",
    "القاهرة",
    "Türkiye",
    "España",
    "smart city",
    "seuol",
]
REGIONS = ["africa", "europe", "middle_east", "americas", "asia_pacific"]
MEMBER_TYPES = ["local_government", "corporation", "institution"]
COUNTRIES = ["KR", "JP", "PH", "FR", "ES", "TR", "EG", "BR", "MX", "IN"]
EVENT_KINDS = ["forum", "workshop", "webinar", "conference", "training"]

# Links to details, as printed on the list pages (reserved words of each list excluded).
LINKS = {
    "profile": re.compile(r'href="(/members/(?!overview/|partners/)[\w-]+/)"'),
    "event": re.compile(r'href="(/events/(?!calendar/|feed/|registrations/)[\w-]+/)"'),
    "article": re.compile(r'href="(/news/(?!feed/)[\w-]+/)"'),
    "publication": re.compile(r'href="(/publications/(?!feed/)[\w-]+/)"'),
    "application": re.compile(r'href="(/portal/applications/\d+/)"'),
}


def links(kind: str, html: str) -> list[str]:
    return sorted(set(LINKS[kind].findall(html)))


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class PortalUser(HttpUser):
    abstract = True

    def plain_http_cookies(self) -> None:
        """The cluster speaks plain HTTP behind HAProxy (TLS ends in front of it in production):
        keep sending the portal's "Secure" cookies over it."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, params: dict | None = None) -> str:
        """GET ``path``; anything but a 200 (a redirect included) counts as a failure."""
        with self.client.get(
            path, params=params, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return ""
        self.plain_http_cookies()
        return response.text

    def follow(self, kind: str, html: str, name: str) -> None:
        """Open one of the details linked from a list just read (if it listed any)."""
        if found := links(kind, html):
            self.page(random.choice(found), name)

    def sign_in(self, email: str) -> None:
        form = self.page("/accounts/login/", "sign in: form")
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": csrf_token(form), "login": email, "password": PASSWORD},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in: post",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {email} answered {response.status_code}")
        self.plain_http_cookies()


class Visitor(PortalUser):
    """Someone who is not signed in."""

    weight = 16
    wait_time = between(2, 8)

    @task(6)
    def home(self) -> None:
        self.page("/", "home")

    @task(6)
    def directory(self) -> None:
        page = random.randint(1, DIRECTORY_PAGES)
        html = self.page("/members/", "directory", {"page": page} if page > 1 else None)
        self.follow("profile", html, "member profile")

    @task(4)
    def directory_filtered(self) -> None:
        params = {
            "region": random.sample(REGIONS, random.randint(1, 2)),
            "type": random.choice(MEMBER_TYPES),
        }
        if random.random() < 0.3:
            params = {"country": random.choice(COUNTRIES), "sort": "newest"}
        html = self.page("/members/", "directory: filters", params)
        self.follow("profile", html, "member profile")

    @task(4)
    def directory_search(self) -> None:
        html = self.page("/members/", "directory: search", {"q": random.choice(SEARCHES)})
        self.follow("profile", html, "member profile")

    @task(4)
    def events(self) -> None:
        if random.random() < 0.5:
            params = {"when": "past", "page": random.randint(1, 20)}
            html = self.page("/events/", "events: past", params)
        else:
            html = self.page("/events/", "events")
        self.follow("event", html, "event")

    @task(1)
    def events_filtered(self) -> None:
        params = {
            "when": "all",
            "kind": random.choice(EVENT_KINDS),
            "region": random.choice(REGIONS),
        }
        html = self.page("/events/", "events: filters", params)
        self.follow("event", html, "event")

    @task(3)
    def news(self) -> None:
        html = self.page("/news/", "news")
        self.follow("article", html, "news article")

    @task(2)
    def publications(self) -> None:
        html = self.page("/publications/", "publications")
        self.follow("publication", html, "publication")

    @task(3)
    def site_search(self) -> None:
        self.page("/search/", "site search", {"q": random.choice(SEARCHES)})


class Member(PortalUser):
    """A member organization's editor, signed in with an account of its own."""

    weight = 3
    wait_time = between(3, 10)
    numbers = itertools.count()

    def on_start(self) -> None:
        self.sign_in(member_email(next(self.numbers) % ACCOUNTS))

    @task(5)
    def dashboard(self) -> None:
        self.page("/portal/", "member: dashboard")

    @task(3)
    def applications(self) -> None:
        html = self.page("/portal/applications/", "member: applications")
        self.follow("application", html, "member: application")

    @task(2)
    def registrations(self) -> None:
        self.page("/portal/events/", "member: event registrations")

    @task(2)
    def notices(self) -> None:
        self.page("/notifications/", "member: notices")

    @task(2)
    def directory(self) -> None:
        html = self.page("/members/", "directory (signed in)")
        self.follow("profile", html, "member profile (signed in)")


class Staff(PortalUser):
    """Secretariat staff in the back office, signed in with an account of their own."""

    weight = 1
    wait_time = between(5, 15)
    numbers = itertools.count()

    def on_start(self) -> None:
        self.sign_in(staff_email(next(self.numbers) % ACCOUNTS))

    @task(4)
    def organizations(self) -> None:
        self.page("/admin/members/organization/", "admin: organizations")

    @task(2)
    def organizations_search(self) -> None:
        params = {"q": random.choice(SEARCHES)}
        self.page("/admin/members/organization/", "admin: organizations search", params)

    @task(3)
    def applications(self) -> None:
        self.page("/admin/programs/application/", "admin: applications")

    @task(2)
    def events(self) -> None:
        self.page("/admin/events/event/", "admin: events")

    @task(2)
    def notifications(self) -> None:
        self.page("/admin/notifications/notification/", "admin: notifications")
