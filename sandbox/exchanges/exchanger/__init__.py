"""Simulator of an exchanger site running the Premium Exchanger script (API v1)."""

from sandbox.exchanges.exchanger.app import SITE_KEY, create_app
from sandbox.exchanges.exchanger.state import ExchangerSite

__all__ = ["SITE_KEY", "ExchangerSite", "create_app"]
