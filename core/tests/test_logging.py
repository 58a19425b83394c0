"""4xx answers are logged as one warning line without a traceback; 5xx keep theirs."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied

from core.logging import ClientErrorsOnOneLine


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_403_is_one_warning_line_without_traceback(client_for, warehouse_worker, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_for(warehouse_worker).get("/backoffice/api-keys/")
    assert response.status_code == 403
    (record,) = _request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == (
        "Forbidden (Permission denied): /backoffice/api-keys/ (PermissionDenied)"
    )
    assert "Traceback" not in caplog.text


def test_the_console_handler_prints_a_single_line(client_for, warehouse_worker):
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsOnOneLine) for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        client_for(warehouse_worker).get("/backoffice/api-keys/\nFAKE")
        logging.getLogger("django.security.DisallowedHost").error(
            "Invalid HTTP_HOST header", exc_info=PermissionDenied("x"), extra={"status_code": 400}
        )
    finally:
        handler.setStream(old)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert "Traceback" not in stream.getvalue()


def test_server_errors_keep_their_traceback(caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/x/", exc_info=exc, extra={"status_code": 500}
        )
    (record,) = _request_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info
    assert "Traceback" in caplog.text and "ZeroDivisionError: boom" in caplog.text


@pytest.mark.parametrize("status", [None, "403", 399, 500, 503])
def test_other_records_pass_unchanged(status):
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "m %s", ("a",), None)
    if status is not None:
        record.status_code = status
    assert ClientErrorsOnOneLine().filter(record)
    assert record.levelno == logging.ERROR and record.getMessage() == "m a"


def test_an_error_level_4xx_record_becomes_a_warning():
    exc = ValueError("bad\nline")
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Bad: %s", ("/a\r\n",), None)
    record.exc_info = (ValueError, exc, None)
    record.status_code = 400
    assert ClientErrorsOnOneLine().filter(record)
    assert record.levelname == "WARNING"
    assert record.getMessage() == "Bad: /a\\r\\n (ValueError: bad\\nline)"
