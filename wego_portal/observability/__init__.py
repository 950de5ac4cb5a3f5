"""Production observability: request ids, one JSON log line per request, Prometheus metrics.

- ``request_id``: the id of the request being served (``X-Request-ID``), carried into the
  Celery tasks it causes and into the e-mails those tasks send;
- ``middleware``: the per-request log line and the request metrics;
- ``metrics``: the Prometheus metrics and the ``/metrics`` view (token or internal network);
- ``celery``: task metrics, task log lines and the request id inside workers.
"""
