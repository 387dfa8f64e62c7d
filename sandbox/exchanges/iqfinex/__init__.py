"""Iqfinex simulator: the document's REST API over the shared simulator core."""

from sandbox.exchanges.iqfinex.app import create_app
from sandbox.exchanges.iqfinex.public import STATE
from sandbox.exchanges.iqfinex.state import IqfinexState, asset_id

__all__ = ["STATE", "IqfinexState", "asset_id", "create_app"]
