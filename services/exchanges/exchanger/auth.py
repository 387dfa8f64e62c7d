"""Premium Exchanger authorisation: the login and key travel as headers; nothing is signed."""

from __future__ import annotations

from services.exchanges.base import Credentials
from services.exchanges.transport import Request, SignedRequest, unsigned

from .constants import HEADER_KEY, HEADER_LANG, HEADER_LOGIN


class ApiKeyHeaders:
    """The signer: adds API-LOGIN, API-KEY and, when the account has a language, API-LANG."""

    def __init__(self, credentials: Credentials, language: str | None = None) -> None:
        self._login = credentials.api_login
        self._key = credentials.api_key
        self._language = language

    async def __call__(self, request: Request) -> SignedRequest:
        plain = await unsigned(request)
        headers = {**plain.headers, HEADER_LOGIN: self._login, HEADER_KEY: self._key}
        if self._language and HEADER_LANG not in headers:  # a request that names its language keeps it
            headers[HEADER_LANG] = self._language
        return SignedRequest(plain.method, plain.url_path, plain.body, headers)
