"""gunicorn settings shared by `make run` and production; each may be overridden by environment variables."""

import multiprocessing
import os

bind = os.environ.get("GONGKAI_BIND", "127.0.0.1:8000")
# Two processes per core is gunicorn's usual advice; the floor of 2 keeps the laptop demo honest about
# running several processes against one database, as production does.
workers = int(os.environ.get("GONGKAI_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GONGKAI_THREADS", "2"))
timeout = int(os.environ.get("GONGKAI_TIMEOUT", "60"))
accesslog = os.environ.get("GONGKAI_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("GONGKAI_FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_exit(server, worker):
    """Write the page views this process still holds (gongkai/analytics/services.py HitBuffer) as it stops."""
    from gongkai.analytics.services import hits_flush

    hits_flush()
