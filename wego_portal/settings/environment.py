"""Where settings come from: the project folder, the environment (and a ``.env`` file beside
``manage.py``), and which kind of deployment this is. Every settings module imports these."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="local")
DEBUG = env.bool("DJANGO_DEBUG", default=DJANGO_ENV != "production")
PRODUCTION = DJANGO_ENV == "production" or not DEBUG
