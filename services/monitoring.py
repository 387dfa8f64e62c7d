"""The read-only services the monitoring commands need, handed to handlers as one piece."""

from __future__ import annotations

from dataclasses import dataclass

from services.accounts import AccountRegistry
from services.exchanger_desk import ExchangerDesk
from services.history import HistoryService
from services.market_data import MarketDataService
from services.portfolio import PortfolioService
from services.screen_pages import ScreenPages
from services.withdrawals.requests import WithdrawalRequests


@dataclass(frozen=True)
class Monitoring:
    """Workflow data ``monitoring``."""

    accounts: AccountRegistry
    portfolio: PortfolioService
    history: HistoryService
    market_data: MarketDataService
    exchanger: ExchangerDesk
    pages: ScreenPages
    withdrawal_requests: WithdrawalRequests  # /withdrawals shows the bot's own beside the exchange's
