"""What a Bot API method handler gets to work with, and the registry of handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .params import Params
from .state import BotState, EmulatorState

if TYPE_CHECKING:
    from .webhook import WebhookDelivery


@dataclass
class Context:
    state: EmulatorState
    bot: BotState
    webhooks: WebhookDelivery


Handler = Callable[[Context, Params], Awaitable[Any]]

# Telegram matches method names case-insensitively, so the registry is keyed by lower case.
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = handler
        return handler

    return register
