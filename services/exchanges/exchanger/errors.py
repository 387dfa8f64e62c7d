"""Maps the envelope's ``error``, ``error_text`` and ``error_fields`` into the error hierarchy."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from services.exchanges import errors
from services.exchanges.redaction import Redactor
from services.exchanges.transport import Request, Response

from .constants import EMPTY_RESPONSE, ERROR_TEXTS, ORDER_METHODS
from .schemas import Envelope


class NothingFound(errors.InvalidRequest):
    """ "Empty Response": nothing matches the parameters. List methods read it as an empty list."""


def describe_fields(fields: Mapping[str, str]) -> str:
    """``calc_amount: min. 0.01 BTC; account2: required`` — the site's own hints, field by field."""
    return "; ".join(f"{name}: {message}" if message else name for name, message in fields.items())


def _looks_like_envelope(data: object) -> bool:
    return isinstance(data, dict) and "error" in data and ("error_text" in data or "data" in data)


class EnvelopeErrors:
    """The error hook: raises when the envelope's ``error`` is not 0 or it names rejected fields."""

    def __init__(self, exchange: str, redactor: Redactor) -> None:
        self._exchange = exchange
        self._redactor = redactor

    def __call__(self, request: Request, response: Response) -> None:
        if response.status >= 500 or response.status == 429 or not _looks_like_envelope(response.data):
            return  # the transport's status mapping and the client's parsing decide
        try:
            envelope = Envelope.model_validate(response.data)
        except ValidationError:
            return
        if not envelope.ok:
            raise self.error_for(request.endpoint, envelope)

    def error_for(self, method: str, envelope: Envelope) -> errors.ExchangeError:
        text = envelope.error_text.strip()
        cls: type[errors.ExchangeError]
        if envelope.error_fields:
            cls = errors.InvalidOrder if method in ORDER_METHODS else errors.InvalidRequest
            message = f"{text or 'rejected fields'}: {describe_fields(envelope.error_fields)}"
        elif text.lower() == EMPTY_RESPONSE.lower():
            cls, message = NothingFound, text
        else:
            cls = ERROR_TEXTS.get(text.rstrip(".!").lower(), errors.ExchangeError)
            message = text or "error without a text"
        return cls(
            self._redactor.text(message),
            exchange=self._exchange,
            endpoint=method,
            code=self._redactor.text(envelope.error),
        )
