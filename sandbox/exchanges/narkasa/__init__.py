"""Narkasa simulator: REST ``/v3/api/...`` and the websocket at ``/v3``; see app.create_app."""

from sandbox.exchanges.narkasa.app import HUB_KEY, SIM_KEY, create_app

__all__ = ["HUB_KEY", "SIM_KEY", "create_app"]
