"""The envelope every answer travels in, as real sites send it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from sandbox.exchanges.common import json_response

#: error_text of an answer that rejects fields (the fields carry the detail)
FIELDS_ERROR = "Error"


class SiteError(Exception):
    """An answer with ``error`` 1: the text, and the rejected fields with their hints."""

    def __init__(self, text: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.fields = dict(fields or {})


def fields_error(**fields: str) -> SiteError:
    return SiteError(FIELDS_ERROR, fields)


def ok(data: Any) -> web.Response:
    return json_response({"error": 0, "error_text": "", "error_fields": [], "data": data})


def failure(error: SiteError) -> web.Response:
    # PHP encodes an empty array as [], whether a list or an object was meant
    return json_response(
        {"error": 1, "error_text": error.text, "error_fields": error.fields or [], "data": []}
    )
