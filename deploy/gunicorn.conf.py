"""gunicorn settings for EBTR Trainer (``gunicorn -c deploy/gunicorn.conf.py app:app``).

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...) or the
command line. Graceful reload: ``systemctl reload ebtr-trainer`` sends HUP; gunicorn starts new
workers with the new code and lets the old ones finish their requests (``graceful_timeout``).
"""

import multiprocessing
import os

#: loopback only: nginx in front terminates TLS and sets X-Forwarded-For/-Proto
#: (TRUSTED_PROXIES=1 in the app's environment)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: sync workers: each request holds a database connection for its whole (short) life;
#: 2 x CPUs + 1 is gunicorn's rule of thumb, capped so the database's connections suffice
workers = int(
    os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
)
worker_class = "sync"
#: a request that runs longer than this is killed and its worker replaced (a stuck query)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
#: on reload or stop, workers get this long to finish the requests they are serving
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
#: nginx keeps connections to the app open between requests
keepalive = 5
#: replace each worker after about this many requests (bounded memory growth)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
#: load the app in each worker, after fork: no database connection or key is shared
preload_app = False
#: logs to stdout/stderr, collected by journald; the app's own lines carry the request id
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
#: no query string in the access log (it may carry what a user typed); method, path, status,
#: size, duration in microseconds, and the request id the app returns
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)s %({x-request-id}o)s'
forwarded_allow_ips = "127.0.0.1"
proc_name = "ebtr-trainer"
