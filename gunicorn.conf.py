"""gunicorn settings shared by the Docker image, the compose stack and `make cluster-test`.

Metrics of all worker processes are summed through ``PROMETHEUS_MULTIPROC_DIR`` (one empty
folder per node): the folder is emptied when the node starts and a dead worker's files are
marked, so its gauges do not linger. Logs: the portal writes one line per request itself
(JSON in production), so gunicorn's own access log stays off.
"""

import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
accesslog = None
errorlog = "-"
# Let the load balancer's X-Forwarded-* through only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Connect the new worker to the database before it takes a request.

    A process's first connection also looks up the PostgreSQL types Django registers (two
    queries, once a process): done here, the first visitor a worker serves does not wait for
    them, and every request's query count is the page's own. A database that cannot be reached
    now is not fatal: the first request connects, as it would have.
    """
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        worker.log.warning("Database not reachable at worker start (%s): connecting later", exc)
