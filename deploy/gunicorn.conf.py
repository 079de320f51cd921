"""gunicorn settings for the KSBB Portal behind nginx (deploy/systemd/ksbb.service runs it).

Environment: GUNICORN_BIND (default 127.0.0.1:8000, as in deploy/nginx/ksbb.conf),
GUNICORN_WORKERS (default 2 per core + 1) and FORWARDED_ALLOW_IPS (the nginx addresses trusted,
default loopback); the portal's own settings come from its environment.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "ksbb.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))

# A pledge letter (WeasyPrint) takes a second or two; 30 s leaves room on a loaded host.
timeout = 30
graceful_timeout = 30
# Recycle workers now and then, so memory that a burst of letters left behind is returned;
# the jitter keeps them from restarting all at once.
max_requests = 1000
max_requests_jitter = 100

# No access log here: nginx keeps it with the private-link tokens masked, and gunicorn's would
# record /k/<token>/ in clear. Errors go to stderr (the journal under systemd).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only nginx on this host may tell gunicorn the scheme and the client address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# systemd reloads and stops gunicorn by signal; gunicorn's control socket (in $HOME by default)
# would be one more way in to secure.
control_socket_disable = True
