"""Keeps keys, secrets and signatures out of logs and error texts."""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"

# names of headers and parameters whose values are credentials or derived from them
SENSITIVE_NAMES = frozenset(
    {
        "key",
        "sign",
        "signature",
        "authorization",
        "api-key",
        "api-login",
        "x-apnk-apikey",
        "apikey",
        "x-apikey",
        "api_key",
        "secret",
    }
)

_PARAM = re.compile(r"(?i)\b(sign|signature|apikey|api_key|key|secret)=([^&\s\"']+)")


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # longest first so a secret that contains another is removed whole
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return _PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", value)

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {k: REDACTED if k.lower() in SENSITIVE_NAMES else self.text(v) for k, v in headers.items()}
