"""The newsletter: double opt-in, bounces and the List-Unsubscribe mailbox."""

from ..environment import env

# Days a confirmation link (double opt-in) stays valid; permanent refusals (SMTP 5xx) in a row
# after which an address is marked as bouncing; an optional mailbox for List-Unsubscribe.
NEWSLETTER_CONFIRM_DAYS = env.int("NEWSLETTER_CONFIRM_DAYS", default=7)
NEWSLETTER_BOUNCE_LIMIT = env.int("NEWSLETTER_BOUNCE_LIMIT", default=3)
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
