"""Accounts (django-allauth, MFA, sessions), rate limits and the back office's import/export."""

from ..environment import env

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# How many reverse proxies in front of the portal append to X-Forwarded-For; at 0 the header
# is ignored (wego_portal/client.py). allauth, REST framework and the log lines all use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Rate limits, counted in the cache above by allauth's helper: allauth's own actions and the
# portal's abuse limits (wego_portal/ratelimits.py). "5/h/ip,2/d/key": 5 an hour per client
# address, and 2 a day per key (the e-mail address that would receive mail); "user" counts
# per signed-in account.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    # Failed sign-ins, per client address and per address + account (accounts.adapter): a
    # guesser elsewhere can never lock the real user out.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "signup": "20/m/ip",
    # Open forms of the portal.
    "join": env.str("RATE_LIMIT_JOIN", default="5/h/ip,2/d/key"),
    "event_registration": env.str("RATE_LIMIT_EVENT_REGISTRATION", default="10/h/ip,3/h/key"),
    "inquiry": env.str("RATE_LIMIT_INQUIRY", default="10/h/ip,5/h/key"),
    "newsletter": env.str("RATE_LIMIT_NEWSLETTER", default="10/h/ip,3/h/key"),
    "invite_colleague": env.str("RATE_LIMIT_INVITE", default="30/h/user,3/d/key"),
}
# Sign-up is closed: a password reset for an unknown address sends nothing (allauth would
# otherwise e-mail any address typed into the form an invitation to sign up).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[WeGO] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WeGO Portal"
# How long a browser or a CDN may keep a public list page a visitor saw (seconds); a newer
# version is revalidated with its ETag (wego_portal.caching).
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
USERSESSIONS_TRACK_ACTIVITY = True
# A signed-in session's address, browser and last activity are refreshed at most this often
# (seconds), and at once when its address or browser changes (accounts.middleware).
USERSESSIONS_ACTIVITY_INTERVAL = env.int("USERSESSIONS_ACTIVITY_INTERVAL", default=300)

# --- Back office: import and export (django-import-export) ------------------------------------
# Import and export ask ``<app>.import_<model>`` / ``<app>.export_<model>`` (django-rules; see
# ``wego_portal/admin.py``). Export cells are neutralised by ``wego_portal.spreadsheets`` (all
# six formula starts); the library's own escaping strips only "=" and turns every cell into text.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
