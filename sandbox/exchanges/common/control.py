"""Control routes every simulator serves under ``/_control/`` for tests and demos.

Accounts are addressed by their seed name. Bodies are JSON; amounts may be strings or numbers.
Errors answer 400/404 with ``{"error": "..."}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.endpoints import CONTROL_PREFIX
from sandbox.exchanges.common.faults import Fault
from sandbox.exchanges.common.jsonutil import dumps, loads, to_decimal
from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.state import SimExchangeState, UnknownMarket
from sandbox.exchanges.common.transfers import TransferNotFound, TransferNotPending

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATE_KEY: web.AppKey[SimExchangeState] = web.AppKey("sim_state", SimExchangeState)


def json_response(value: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(value), status=status, content_type="application/json")


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = loads(raw)
    except ValueError:
        raise _bad("body must be JSON") from None
    if not isinstance(data, dict):
        raise _bad("body must be a JSON object")
    return data


def _bad(message: str, status: int = 400) -> web.HTTPException:
    cls = web.HTTPNotFound if status == 404 else web.HTTPBadRequest
    return cls(text=dumps({"error": message}), content_type="application/json")


def _field(data: dict[str, Any], name: str) -> Any:
    if data.get(name) in (None, ""):
        raise _bad(f"missing field {name!r}")
    return data[name]


def _account(state: SimExchangeState, data: dict[str, Any]) -> str:
    name = str(_field(data, "account"))
    if name not in state.accounts:
        raise _bad(f"no account {name!r}", 404)
    return name


def _guarded(handler: Route) -> Route:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (ValueError, TypeError, InsufficientBalance, TransferNotPending) as exc:
            raise _bad(str(exc)) from None
        except (UnknownMarket, TransferNotFound) as exc:
            raise _bad(f"not found: {exc}", 404) from None

    return wrapped


def add_control_routes(app: web.Application, state: SimExchangeState) -> None:
    """Add the standard ``/_control/`` routes and store the state as ``app[STATE_KEY]``."""
    app[STATE_KEY] = state

    async def deposit(request: web.Request) -> web.Response:
        data = await _body(request)
        transfer = state.transfers.inject_deposit(
            _account(state, data),
            str(_field(data, "asset")),
            to_decimal(_field(data, "amount"), "amount"),
            data.get("address"),
            data.get("txid"),
            memo=data.get("memo"),
            network=data.get("network"),
            delay=float(data["delay"]) if data.get("delay") is not None else None,
            required_confirmations=int(data.get("confirmations", 0)),
        )
        return json_response(transfer)

    async def balance(request: web.Request) -> web.Response:
        data = await _body(request)
        account, asset = _account(state, data), str(_field(data, "asset"))
        state.ledger.set_free(account, asset, to_decimal(_field(data, "free"), "free"))
        holding = state.ledger.holding(account, asset)
        return json_response(
            {"account": account, "asset": asset, "free": holding.free, "reserved": holding.reserved}
        )

    async def add_fault(request: web.Request) -> web.Response:
        data = await _body(request)
        endpoint = str(_field(data, "endpoint"))
        fault = Fault.from_dict({k: v for k, v in data.items() if k != "endpoint"})
        state.faults.add(endpoint, fault)
        return json_response({"faults": state.faults.active()})

    async def clear_faults(request: web.Request) -> web.Response:
        state.faults.clear(request.query.get("endpoint"))
        return json_response({"faults": state.faults.active()})

    async def stats(request: web.Request) -> web.Response:
        return json_response(state.stats())

    async def reset_stats(request: web.Request) -> web.Response:
        state.reset_stats()
        return json_response(state.stats())

    async def price(request: web.Request) -> web.Response:
        data = await _body(request)
        symbol = str(_field(data, "symbol"))
        fills = state.reprice(symbol, to_decimal(_field(data, "mid"), "mid"))
        book = state.book(symbol)
        return json_response({"symbol": symbol, "bid": book.best_bid, "ask": book.best_ask, "fills": fills})

    async def complete_withdrawals(request: web.Request) -> web.Response:
        data = await _body(request)
        if data.get("id") is not None:
            done = [state.transfers.complete(str(data["id"]))]
        else:
            done = [t for t in state.transfers.complete_all() if t.kind == "withdrawal"]
        return json_response({"completed": done})

    async def fail_withdrawal(request: web.Request) -> web.Response:
        data = await _body(request)
        return json_response(state.transfers.fail(str(_field(data, "id"))))

    async def clock(request: web.Request) -> web.Response:
        data = await _body(request)
        state.clock.advance(float(data.get("advance", 0)))
        completed = state.transfers.complete_due()
        return json_response({"time": state.clock.now(), "completed": completed})

    async def dump(request: web.Request) -> web.Response:
        return json_response(state.dump())

    async def index(request: web.Request) -> web.Response:
        # Every control route of this app, a simulator's own ones included: what a person can do here.
        listed = {
            f"{route.method} {route.resource.canonical}"
            for route in request.app.router.routes()
            if route.resource is not None
            and route.resource.canonical.startswith(CONTROL_PREFIX + "/")
            and route.method != "HEAD"
        }
        return json_response({"routes": sorted(listed, key=lambda line: line.split()[::-1])})

    routes: list[tuple[str, str, Route]] = [
        ("POST", "/_control/deposit", deposit),
        ("POST", "/_control/balance", balance),
        ("POST", "/_control/faults", add_fault),
        ("DELETE", "/_control/faults", clear_faults),
        ("GET", "/_control/stats", stats),
        ("POST", "/_control/reset-stats", reset_stats),
        ("POST", "/_control/price", price),
        ("POST", "/_control/withdrawals/complete", complete_withdrawals),
        ("POST", "/_control/withdrawals/fail", fail_withdrawal),
        ("POST", "/_control/clock", clock),
        ("GET", "/_control/state", dump),
        ("GET", CONTROL_PREFIX + "/", index),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(handler))
