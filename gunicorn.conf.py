"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app`` (``make serve``).

Workers default to two per CPU plus one (sync workers wait on the database, not the CPU);
``WEB_CONCURRENCY`` overrides it, as Caregiver's own config reads it (``WEB_CONCURRENCY=1`` is the
one setting that lets production count rate limits in memory). ``HOST`` and ``PORT`` say where
to listen; behind a reverse proxy on the same host keep the default 127.0.0.1.
"""

import gc
import multiprocessing
import os

from caregiver.access_log import FORMAT

_concurrency = os.environ.get("WEB_CONCURRENCY", "").strip()
workers = int(_concurrency) if _concurrency.isdigit() else multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# A page answers in milliseconds; 30 s only ends a worker that hangs. Shutting down gives the
# requests in flight as long. The proxy in front keeps connections open a little longer than
# this keepalive, so it never sends on a connection the worker is closing.
timeout = 30
graceful_timeout = 30
keepalive = 5

# Recycling workers now and then bounds slow memory growth; the jitter keeps them from all
# restarting at once.
max_requests = 1000
max_requests_jitter = 100

# Access log on standard output, without query strings or tokens (caregiver/access_log.py).
accesslog = "-"
errorlog = "-"
logger_class = "caregiver.access_log.PrivateAccessLogger"
access_log_format = FORMAT


def post_worker_init(worker):
    """Set the loaded app aside from garbage collection.

    A worker holds some 180,000 objects from its imports and the app, all alive until it ends.
    Without this, every full collection walks them all again: about 100 ms, spent on whichever
    request is running when it comes. Frozen, a full collection walks only what requests made
    since, a few milliseconds.
    """
    gc.collect()
    gc.freeze()
    worker.log.info(
        "Worker %s: %d objects of the loaded app set aside from garbage collection",
        worker.pid,
        gc.get_freeze_count(),
    )
