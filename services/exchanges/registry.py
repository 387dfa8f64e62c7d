"""Which client class serves which exchange name (the ``exchange`` key of an account in the config)."""

from __future__ import annotations

from importlib import import_module

from .base import ClientConfig, ExchangeClient

# imported lazily: a process that uses one exchange does not load the other four
CLIENTS: dict[str, str] = {
    "incorex": "services.exchanges.incorex.client:IncorexClient",
    "iqfinex": "services.exchanges.iqfinex.client:IqfinexClient",
    "indodax": "services.exchanges.indodax.client:IndodaxClient",
    "exchanger": "services.exchanges.exchanger.client:ExchangerClient",
    "narkasa": "services.exchanges.narkasa.client:NarkasaClient",
}

EXCHANGES = tuple(CLIENTS)


def client_class(exchange: str) -> type[ExchangeClient]:
    try:
        module_name, _, attr = CLIENTS[exchange].partition(":")
    except KeyError:
        raise ValueError(f"unknown exchange {exchange!r}; known: {', '.join(EXCHANGES)}") from None
    cls = getattr(import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, ExchangeClient)):
        raise TypeError(f"{CLIENTS[exchange]} is not an ExchangeClient")
    return cls


def display_name(exchange: str) -> str:
    """The one name users read for an exchange ("incorex" -> "IncoreX"); an unknown one as given."""
    return client_class(exchange).display_name if exchange in CLIENTS else exchange


def create_client(exchange: str, config: ClientConfig) -> ExchangeClient:
    return client_class(exchange)(config)
