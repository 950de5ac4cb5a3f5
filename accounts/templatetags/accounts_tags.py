from django import template

from accounts.devices import device_label as _device_label

register = template.Library()


@register.filter
def device_label(user_agent: str) -> str:
    return _device_label(user_agent)
