"""Every exchange package has one shape: a reader who knows one knows all (issue 10.5)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import services.exchanges
from services.exchanges.base import ExchangeClient

#: in every package
CORE = {"constants", "auth", "errors", "schemas", "convert", "client"}
#: where there is something to put in them: results with no neutral model, a websocket, the exchange's
#: POSTs to us, answers kept in Redis to spare requests
OPTIONAL = {"models", "stream", "callback", "cache"}

ROOT = Path(services.exchanges.__file__).parent
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def test_the_five_exchanges_are_packages() -> None:
    assert PACKAGES == ["exchanger", "incorex", "indodax", "iqfinex", "narkasa"]


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_has_the_shared_module_names_and_no_others(package: str) -> None:
    modules = {m.name for m in pkgutil.iter_modules([str(ROOT / package)])}
    assert modules >= CORE, f"{package} lacks {sorted(CORE - modules)}"
    assert modules <= CORE | OPTIONAL, f"{package} has {sorted(modules - CORE - OPTIONAL)}"


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_has_one_client_class_straight_on_the_base(package: str) -> None:
    module = importlib.import_module(f"services.exchanges.{package}.client")
    clients = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ExchangeClient) and cls is not ExchangeClient
    ]
    assert len(clients) == 1, clients
    assert clients[0].__bases__ == (ExchangeClient,)
