import logging
import sys

from bot.log import REDACTED, RedactionFilter

SECRET = "s3cr3t-token-value"


def _record(
    msg: str, args: tuple[object, ...] = (), exc: bool = False, stack: str | None = None
) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"failed calling https://api/bot{SECRET}/getMe")
        except RuntimeError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, exc_info, sinfo=stack)
    return record


def _rendered(record: logging.LogRecord) -> str:
    RedactionFilter([SECRET, "other"]).filter(record)
    return logging.Formatter().format(record)


def test_secret_in_the_message_is_redacted() -> None:
    assert _rendered(_record(f"token is {SECRET}")) == f"token is {REDACTED}"


def test_secret_in_the_arguments_is_redacted() -> None:
    text = _rendered(_record("calling %s with %r", (f"url/{SECRET}", {"k": SECRET})))
    assert SECRET not in text
    assert text.count(REDACTED) == 2


def test_secret_in_the_exception_text_is_redacted() -> None:
    text = _rendered(_record("boom", exc=True))
    assert "RuntimeError" in text
    assert SECRET not in text


def test_secret_in_the_stack_info_is_redacted() -> None:
    assert SECRET not in _rendered(_record("x", stack=f"Stack: {SECRET}"))


def test_a_secret_containing_another_is_replaced_whole() -> None:
    record = _record("abcdef")
    RedactionFilter(["abc", "abcdef"]).filter(record)
    assert record.getMessage() == REDACTED


def test_records_pass_unchanged_without_secrets() -> None:
    record = _record("hello %s", ("world",))
    assert RedactionFilter([""]).filter(record)
    assert record.getMessage() == "hello world"
