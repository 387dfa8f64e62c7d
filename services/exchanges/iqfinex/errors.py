"""Maps Iqfinex answers into the error hierarchy: the document's HTTP statuses, the envelope's status."""

from __future__ import annotations

from pydantic import ValidationError

from .. import errors
from ..transport import Request, Response, Transport
from .constants import MESSAGE_ERRORS, ORDER_ENDPOINTS, ORDER_REJECTED, STATUS_ERRORS, STATUS_TEXTS
from .schemas import ErrorBody


def answer_status(response: Response) -> int:
    """The HTTP status, or the envelope's when a 200 carries an error status inside."""
    if response.status == 200 and isinstance(response.data, dict):
        inner = response.data.get("status")
        if isinstance(inner, int) and inner != 200:
            return inner
    return response.status


def error_message(response: Response, status: int) -> str:
    if isinstance(response.data, dict):
        try:
            text = ErrorBody.model_validate(response.data).text()
        except ValidationError:
            text = ""
        if text:
            return text
    return STATUS_TEXTS.get(status, f"HTTP {status}")


def error_class(request: Request, status: int, message: str) -> type[errors.ExchangeError]:
    if status >= 500 and request.write:
        # a server error, in the HTTP status or in the envelope, proves nothing about what was done
        return errors.OutcomeUnknown
    cls = STATUS_ERRORS[status]
    if status != 400:
        return cls
    for pattern, narrower in MESSAGE_ERRORS:
        if pattern.search(message):
            return narrower
    return ORDER_REJECTED if request.endpoint in ORDER_ENDPOINTS else cls


def check_response(transport: Transport, request: Request, response: Response) -> None:
    """The transport's error hook: raises for every documented error status, else lets the answer pass."""
    status = answer_status(response)
    if status not in STATUS_ERRORS:
        return
    message = error_message(response, status)
    raise transport.error(error_class(request, status, message), request, message, code=str(status))
