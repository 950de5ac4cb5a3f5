"""Readable names for the browsers and devices a user is signed in on (uap-core's rules), and
where they are, approximately (the country an address is registered to)."""

import ipaddress
from functools import lru_cache

from django.utils.translation import gettext as _
from django_countries import countries
from iptocc import country_code
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


LOCAL = "local"


@lru_cache(maxsize=1024)
def _country_of(ip: str) -> str:
    """The ISO code of the country ``ip`` is registered to; ``LOCAL`` for a private, loopback
    or link-local address; "" when unknown or not an address.

    The data are the five Regional Internet Registries' allocations, shipped in the iptocc
    wheel (no network, no database file to download): the country the block was assigned
    to, which is where the address is used for the vast majority of addresses.
    """
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_link_local or address.is_private:
        return LOCAL
    if not address.is_global:
        return ""
    return country_code(str(address)) or ""


def location_label(ip: str) -> str:
    """A session's approximate location: the country's name in the reader's language ("Korea
    (the Republic of)"), "local network" for private and loopback addresses, "" if unknown."""
    code = _country_of(ip)
    if code == LOCAL:
        return _("local network")
    return str(countries.name(code)) if code else ""
