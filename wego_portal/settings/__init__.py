"""Settings entry point: the base settings, hardened by ``production.py`` when in production."""

from .base import *  # noqa: F403
from .base import PRODUCTION

if PRODUCTION:
    from .production import *  # noqa: F403
