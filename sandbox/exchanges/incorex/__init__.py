"""IncoreX simulator: ``create_app(seed, **options)``; run with ``python -m sandbox.exchanges incorex``."""

from sandbox.exchanges.incorex.app import STATE, create_app

__all__ = ["STATE", "create_app"]
