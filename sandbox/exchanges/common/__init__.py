"""The simulator core shared by every exchange simulator; see README.md in this folder."""

from sandbox.exchanges.common.clock import Clock, IdSource
from sandbox.exchanges.common.control import STATE_KEY, add_control_routes, json_response
from sandbox.exchanges.common.endpoints import form_field_endpoint, path_endpoint
from sandbox.exchanges.common.faults import Fault, FaultPlan, fault_middleware
from sandbox.exchanges.common.ledger import Holding, InsufficientBalance, Ledger
from sandbox.exchanges.common.maker import MarketMaker
from sandbox.exchanges.common.market_data import Candle, Depth, Stats24h
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import Fill, InvalidSimOrder, OrderNotFound, OrderNotOpen, SimOrder
from sandbox.exchanges.common.ratelimit import RequestLog, ServerLimit, ServerRateLimiter, counting_middleware
from sandbox.exchanges.common.seed import Seed, SeedAccount, SeedMarket, demo_seed, derive_secret
from sandbox.exchanges.common.server import running
from sandbox.exchanges.common.state import SimExchangeState, UnknownMarket
from sandbox.exchanges.common.transfers import SimTransfer, TransferBook, TransferNotFound, TransferNotPending

__all__ = [
    "STATE_KEY",
    "Candle",
    "Clock",
    "Depth",
    "Fault",
    "FaultPlan",
    "Fill",
    "Holding",
    "IdSource",
    "InsufficientBalance",
    "InvalidSimOrder",
    "Ledger",
    "MarketMaker",
    "MatchingBook",
    "OrderNotFound",
    "OrderNotOpen",
    "RequestLog",
    "Seed",
    "SeedAccount",
    "SeedMarket",
    "ServerLimit",
    "ServerRateLimiter",
    "SimExchangeState",
    "SimOrder",
    "SimTransfer",
    "Stats24h",
    "TransferBook",
    "TransferNotFound",
    "TransferNotPending",
    "UnknownMarket",
    "add_control_routes",
    "counting_middleware",
    "demo_seed",
    "derive_secret",
    "fault_middleware",
    "form_field_endpoint",
    "json_response",
    "path_endpoint",
    "running",
]
