"""IncoreX's wallet days as its document shows them, against the simulator over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from .test_incorex_fixtures import simulator


async def test_the_simulator_answers_the_documents_example() -> None:
    # "api_query("wallet_history", Array( "date" => 1528239599 ))"
    # -> "begin": "1528239600", "end": "1528325999"
    async with simulator() as sim, sim.client() as client:
        day = await client.wallet_history(datetime.fromtimestamp(1528239599, UTC))
    assert (day.begin, day.end) == (1528239600, 1528325999)


async def test_a_deposit_late_in_the_utc_day_is_found_in_the_servers_day() -> None:
    # the server's day begins at 23:00 UTC (begin 1528239600 is 23:00 UTC); a deposit at 23:10 UTC
    # belongs to the server's next day, which a client counting UTC days never asks for
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    async with simulator() as sim:
        with sim.state.clock.pinned((today + timedelta(hours=23, minutes=10)).timestamp()):
            late = sim.state.transfers.inject_deposit("alice", "BTC", Decimal("0.5"))
        sim.state.transfers.complete_all()
        with sim.state.clock.pinned((today + timedelta(hours=23, minutes=30)).timestamp()):
            async with sim.client() as client:
                found = await client.fetch_deposits(since=today - timedelta(days=1))
    assert late.txid in {d.txid for d in found}
