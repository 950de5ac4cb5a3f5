from django import template

from accounts.devices import device_label as _device_label
from accounts.devices import location_label as _location_label

register = template.Library()


@register.filter
def device_label(user_agent: str) -> str:
    return _device_label(user_agent)


@register.filter
def location_label(ip: str) -> str:
    return _location_label(ip)
