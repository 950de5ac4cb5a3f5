"""Screenshots of the main pages for the README: `make run` in one shell, then
`.venv/bin/python docs/take_screenshots.py [http://127.0.0.1:8000] [name ...]` (Debian's
Chromium). Names (e.g. `profile profile-makati`) take only those pages."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ONLY = set(sys.argv[2:])
OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "wego-demo-2026"  # noqa: S105 (the documented demo password)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# (user, file name, address); "-phone" pages are taken 390 px wide; profiles whole
FULL_PAGE = {"profile", "profile-makati"}
PAGES = [
    (None, "home", "/"),
    (None, "directory", "/members/?region=asia_pacific"),
    (None, "profile", "/members/seoul/"),
    (None, "profile-makati", "/members/makati/"),
    (None, "about", "/about/"),
    (None, "overview", "/members/overview/"),
    (None, "events", "/events/?when=past"),
    (None, "awards-2020", "/awards/"),
    (None, "numbers", "/numbers/"),
    ("seoul@demo.wego.local", "portal-applications", "/portal/applications/"),
    ("secretariat@demo.wego.local", "back-office", "/admin/"),
    ("seoul@demo.wego.local", "member-home", "/portal/"),
    ("seoul@demo.wego.local", "account", "/accounts/"),
    ("seoul@demo.wego.local", "account-devices", "/accounts/sessions/"),
    ("secretariat@demo.wego.local", "review", "review"),
    (None, "directory-phone", "/members/"),
    ("seoul@demo.wego.local", "member-home-phone", "/portal/"),
]


def open_review(page) -> None:
    """The first application the demo secretariat officer has to review, on its review page."""
    page.goto(BASE + "/admin/programs/application/?reviews=mine_outstanding")
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_role("link", name="Your review").click()
    page.wait_for_load_state()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        contexts = {}
        for user, name, path in PAGES:
            if ONLY and name not in ONLY:
                continue
            viewport = PHONE if name.endswith("-phone") else DESKTOP
            key = (user, viewport["width"])
            if key not in contexts:
                context = browser.new_context(viewport=viewport)
                if user:
                    page = context.new_page()
                    page.goto(f"{BASE}/accounts/login/")
                    page.get_by_label("Email").fill(user)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                contexts[key] = context
            page = contexts[key].new_page()
            if path == "review":
                open_review(page)
            else:
                page.goto(BASE + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=name in FULL_PAGE)
            print("saved", name)
        browser.close()


if __name__ == "__main__":
    main()
