"""gunicorn settings for the archive; each value may be overridden from the environment."""
import logging
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 20000  # recycle workers now and then so memory stays flat
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
wsgi_app = "archive.wsgi:application"
# Load Django once in the master and read the search index's columns there (when_ready): every worker,
# and every worker that replaces one, starts with them in memory shared with the others.
preload_app = True


def when_ready(server):
    from resolutions.search.service import warm_up

    try:
        documents = warm_up()
    except Exception:  # a missing or damaged index must not stop the archive from serving its pages
        logging.getLogger("gunicorn.error").exception("search index not read before forking the workers")
    else:
        server.log.info("search index read: %d documents", documents)
