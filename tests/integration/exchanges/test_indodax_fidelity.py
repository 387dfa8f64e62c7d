"""Indodax behaviours the document states, against the simulator over real HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.exchanges.indodax.constants import TRANS_HISTORY_MAX_RECORDS

from .test_indodax_fixtures import simulator


async def test_trans_history_pages_past_500_records() -> None:
    # transHistory: "Max limit per fetch is 500 records (per deposit coin, ...)", "Order descending by
    # submit_time": a full list means older records wait in another request
    count = TRANS_HISTORY_MAX_RECORDS + 250
    start = time.time() - 3 * 86400
    async with simulator() as sim:
        injected = set()
        for i in range(count):
            with sim.state.clock.pinned(start + i * 300):  # 750 deposits over about two and a half days
                injected.add(sim.state.transfers.inject_deposit("alice", "BTC", Decimal("0.001")).id)
        sim.state.transfers.complete_all()
        async with sim.client() as client:
            deposits = await client.fetch_deposits("BTC", since=datetime.now(UTC) - timedelta(days=4))
    assert len(deposits) == len({d.id for d in deposits}) == count
