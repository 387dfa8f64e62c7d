"""Telegram handlers, one module per feature.

A feature module exposes `build_router() -> Router`; add it to `get_routers` below.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    accounts,
    alerts,
    allowlist,
    audit,
    bids,
    cancel,
    exchanger,
    fallback,
    help,
    history,
    holdings,
    lang,
    market,
    notify,
    order_guide,
    orders,
    screens,
    settle,
    start,
    timezone,
    twofactor,
    withdraw_guide,
    withdrawals,
)


def get_routers() -> list[Router]:
    """Fresh Routers on every call: a Router can be attached to only one Dispatcher."""
    return [
        start.build_router(),
        help.build_router(),
        lang.build_router(),
        audit.build_router(),
        accounts.build_router(),
        holdings.build_router(),
        history.build_router(),
        market.build_router(),
        timezone.build_router(),
        notify.build_router(),
        exchanger.build_router(),
        order_guide.build_router(),
        orders.build_router(),
        screens.build_router(),
        settle.build_router(),
        cancel.build_router(),
        bids.build_router(),
        withdraw_guide.build_router(),  # before withdrawals: /withdraw alone starts it
        withdrawals.build_router(),
        twofactor.build_router(),
        allowlist.build_router(),
        alerts.build_router(),  # after every command router: its guided flow takes plain text
        fallback.build_router(),  # last: it takes every message no other router did
    ]
