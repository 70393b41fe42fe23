"""Structured logs: one JSON object per line on standard output, for `onewindow serve`.

Every record has time, level, logger and message; a request's access record adds method, path,
status, bytes, duration_ms, remote address and worker pid. ID numbers are masked (core.ids).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from gunicorn.glogging import Logger as GunicornLogger

from .ids import mask_in_text

# The attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_in_text(record.getMessage()),
        }
        entry.update((key, _masked(value)) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = mask_in_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _masked(value):
    """A record's extra field for the log: numbers as they are, anything else (a request's repr with
    its address, say) as masked text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_in_text(str(value))


class MaskedTextFormatter(logging.Formatter):
    """Plain text for a developer's terminal and the demo server, with ID numbers masked as well."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_in_text(super().format(record))


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING setting: JSON lines, or plain text for a developer's terminal."""
    formatter = (
        {"()": JsonFormatter}
        if log_format == "json"
        else {"()": MaskedTextFormatter, "format": "%(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "jieba": {"level": "WARNING"},
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


class AccessLogger(GunicornLogger):
    """Gunicorn's access log as fields of the record, not one formatted string."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        path = environ.get("PATH_INFO", "")
        if query := environ.get("QUERY_STRING"):
            path = f"{path}?{query}"
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            path,
            status,
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": mask_in_text(path),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote": environ.get("REMOTE_ADDR"),
            },
        )
