"""Readable names for the browsers and devices a user is signed in on (uap-core's rules)."""

from functools import lru_cache

from django.utils.translation import gettext as _
from ua_parser import parse


@lru_cache(maxsize=512)
def _parts(user_agent: str) -> tuple[str, str]:
    result = parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    return ("" if browser == "Other" else browser, "" if system == "Other" else system)


def device_label(user_agent: str) -> str:
    """A device's name such as "Chrome on Windows"; "Unknown browser" when nothing matches."""
    browser, system = _parts(user_agent)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
