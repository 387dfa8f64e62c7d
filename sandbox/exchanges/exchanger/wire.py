"""The envelope every answer travels in, as real sites send it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from sandbox.exchanges.common import json_response

#: error_text of an answer that rejects fields (the fields carry the detail)
FIELDS_ERROR = "Error"

# "API-LANG — forced use of the specified language": the site's texts, errors included, come in it
TRANSLATIONS: dict[str, dict[str, str]] = {
    "ru_RU": {
        "Api disabled": "API отключено",
        "Method not supported": "Метод не поддерживается",
        "No bid exists": "Заявка не существует",
        "Direction not found": "Направление не найдено",
        "Empty Response": "Пустой ответ",
        FIELDS_ERROR: "Ошибка",
    }
}


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


def failure(error: SiteError, locale: str) -> web.Response:
    text = TRANSLATIONS.get(locale, {}).get(error.text, error.text)
    # PHP encodes an empty array as [], whether a list or an object was meant
    return json_response({"error": 1, "error_text": text, "error_fields": error.fields or [], "data": []})
