"""Process-wide logging, with every configured secret removed from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[REDACTED]"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactionFilter(logging.Filter):
    """Replaces secret values in the message, its arguments, the exception and the stack text.

    It works on the fully formatted text because a secret can reach a log line through
    any of those (an exception carrying a URL with the bot token, a repr of a request...).
    Attach it to handlers, not loggers: logger filters do not see records that
    propagate up from child loggers.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another one is replaced whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Formatter reuses exc_text when present, so the raw traceback is never rendered.
            record.exc_text = self.redact(
                record.exc_text or logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Send all logs to stderr through one redacting handler. Calling it again replaces the setup."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactionFilter(secrets))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Python warnings would otherwise bypass the handler and its filter.
    logging.captureWarnings(True)
