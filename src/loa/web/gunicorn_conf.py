"""Gunicorn settings for the tracking app, read from the environment; command-line options win.

`loa web serve [gunicorn options]` starts gunicorn with this file; so does
`gunicorn -c python:loa.web.gunicorn_conf loa.web.wsgi`.

LOA_WEB_BIND     address to listen on (default 127.0.0.1:8001; a reverse proxy faces the world)
LOA_WEB_WORKERS  worker processes (default 2 × cores + 1)
LOA_WEB_THREADS  threads per worker (default 4, gthread workers; 1: plain sync workers)
LOA_WEB_ACCESS_LOG  "-" to log each request to standard output (default: off; the proxy logs them)
"""

from __future__ import annotations

import os

bind = os.environ.get("LOA_WEB_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("LOA_WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
# Threads, because a request mostly waits (the database's commit, Redis): with 4 threads 2 workers
# took 300 quiz results/s where 2 sync workers took under 100 (benchmarks/web_load.py).
threads = int(os.environ.get("LOA_WEB_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
timeout = 30  # a worker silent this long (its main loop stuck) is killed and replaced
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # workers are renewed now and then, so a slow leak never grows unbounded
max_requests_jitter = 500
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeats off the disk
accesslog = os.environ.get("LOA_WEB_ACCESS_LOG") or None
errorlog = "-"
# X-Forwarded-Proto is believed from these addresses only (the same proxies as the rate limit's).
forwarded_allow_ips = os.environ.get("LOA_TRUSTED_PROXIES") or "127.0.0.1,::1"
proc_name = "loa-web"
