"""Exchange callbacks: what an exchange POSTs to the bot at /callbacks/<exchange>/<account>.

A client that the exchange calls back offers a `CallbackEndpoint`; the bot's web app parses the request
(form or JSON) and hands over the parameters, so clients stay free of any web framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CallbackReply:
    status: int
    text: str


class CallbackEndpoint(Protocol):
    async def answer(self, params: Mapping[str, str]) -> CallbackReply: ...
