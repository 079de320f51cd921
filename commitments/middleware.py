"""Answer 503 with a retry message when SQLite stays locked past its busy timeout.

On SQLite every write takes the database lock (IMMEDIATE transactions); under a burst a writer
can wait out the timeout. That is an overload, not a bug: say so and ask to retry.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


class DatabaseLockedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "database is locked" in str(exception):
            logger.warning("database locked on %s %s", request.method, request.path)
            response = render(request, "commitments/busy.html", status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None
