"""Logging filters (configured in ``settings.LOGGING``).

Django logs every 4xx answer on ``django.request`` (and refused requests on
``django.security.*``) with the exception's traceback when a view raised one
(``PermissionDenied``, ``SuspiciousOperation``...). A client's mistake is not a bug: those
records become one warning line without the traceback; 5xx records keep theirs.
"""

from __future__ import annotations

import logging

#: Longest exception text kept on the line.
MAX_EXCEPTION_TEXT = 300


class ClientErrorsOnOneLine(logging.Filter):
    """4xx records (``record.status_code``, set by Django's ``log_response`` and its
    security loggers) as a single-line WARNING: the exception's class and message are
    appended, its traceback dropped, line breaks escaped (paths come from the client)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        message = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            text = str(exc)[:MAX_EXCEPTION_TEXT]
            message = f"{message} ({type(exc).__name__}{': ' + text if text else ''})"
        record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        return True
