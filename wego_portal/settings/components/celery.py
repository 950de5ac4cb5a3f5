"""Celery and the notification outbox's delivery settings."""

from ..environment import env
from .data import REDIS_URL
from .i18n import TIME_ZONE

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker (a laptop, the default) tasks run in-process, synchronously.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Notifications keep their own state in the database: no result backend needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged after it ran, so a worker that dies mid-task loses nothing; tasks are
# idempotent (the outbox refuses to send a row twice), so redelivery is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis redelivers an unacknowledged task after the visibility timeout. It must exceed the
# longest countdown/ETA we use (retry backoff caps at 1 hour) and the hard time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The outbox sweeper has a queue of its own, so that a backlog of deliveries never delays the
# recovery of a dead worker's rows: run a worker on it (`celery worker -Q outbox-sweep -c 1`,
# the compose file's `sweeper`), or add it to a worker's queues (`make worker` does).
NOTIFICATIONS_SWEEP_QUEUE = env.str("NOTIFICATIONS_SWEEP_QUEUE", default="outbox-sweep")
# The queue of every task without a route; a benchmark gives its worker a private one, so that
# the tasks its tasks publish (an issue's deliveries) stay on it.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ROUTES = {
    "notifications.tasks.sweep_outbox_task": {"queue": NOTIFICATIONS_SWEEP_QUEUE},
}
# Outbox delivery: a claim's lease (renewed while a worker works through its batch), how often
# the sweeper runs, how long a queued row waits for its task before it is published again, and
# how often one row is attempted (backoff 30 s doubling, capped at an hour).
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=30)
NOTIFICATIONS_SWEEP_SECONDS = env.float("NOTIFICATIONS_SWEEP_SECONDS", default=10.0)
NOTIFICATIONS_REPUBLISH_AFTER_SECONDS = env.int(
    "NOTIFICATIONS_REPUBLISH_AFTER_SECONDS", default=120
)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
# Publishing a task while the broker is down gives up after about a second: the outbox row
# stays queued and the sweeper publishes it later, so the request is not held up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox_task",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
    },
    "notifications-staff-digest": {
        "task": "notifications.tasks.send_staff_digest_task",
        "schedule": 24 * 60 * 60.0,
    },
    "programs-reminders": {
        "task": "programs.tasks.send_reminders_task",
        "schedule": 24 * 60 * 60.0,
    },
    "events-send-reminders": {
        "task": "events.tasks.send_event_reminders_task",
        "schedule": 5 * 60.0,
    },
    "privacy-enforce-retention": {
        "task": "privacy.tasks.enforce_retention_task",
        "schedule": 24 * 60 * 60.0,
    },
    "privacy-erase-due-accounts": {
        "task": "privacy.tasks.erase_due_accounts_task",
        "schedule": 60 * 60.0,
    },
    # Articles scheduled for a later moment are published then.
    "news-publish-due": {
        "task": "news.tasks.publish_due_articles_task",
        "schedule": 60.0,
    },
    # Votes open and close on time (to the minute) and delegates are reminded.
    "governance-vote-schedule": {
        "task": "governance.tasks.run_vote_schedule_task",
        "schedule": 60.0,
    },
}
