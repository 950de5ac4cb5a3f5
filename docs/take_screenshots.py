"""Screenshots of the main pages for the README: `make run` in one shell, then
`.venv/bin/python docs/take_screenshots.py [http://127.0.0.1:8000]` (Debian's Chromium)."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "wego-demo-2026"  # noqa: S105 (the documented demo password)

PAGES = [
    (None, "home", "/"),
    (None, "directory", "/members/?region=asia_pacific"),
    (None, "profile", "/members/seoul/"),
    (None, "overview", "/members/overview/"),
    (None, "events", "/events/?when=past"),
    (None, "awards-2020", "/awards/"),
    (None, "numbers", "/numbers/"),
    ("seoul@demo.wego.local", "portal-applications", "/portal/applications/"),
    ("secretariat@demo.wego.local", "back-office", "/admin/"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        contexts = {}
        for user, name, path in PAGES:
            if user not in contexts:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                if user:
                    page = context.new_page()
                    page.goto(f"{BASE}/accounts/login/")
                    page.get_by_label("Email").fill(user)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                contexts[user] = context
            page = contexts[user].new_page()
            page.goto(BASE + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            print("saved", name)
        browser.close()


if __name__ == "__main__":
    main()
