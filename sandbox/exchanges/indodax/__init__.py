"""Indodax simulator: public market data, the private TAPI with its auth, limits, errors and the
withdrawal callback, on the shared simulator core."""

from .app import STATE, create_app
from .state import IndodaxState

__all__ = ["STATE", "IndodaxState", "create_app"]
