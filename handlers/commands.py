"""The bot's commands: shown by /help and registered with Telegram (setMyCommands).

A new command gets an entry here with the same least role as its handler's
`role` flag (tests/unit/bot/test_commands.py checks they agree).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.team import Role


@dataclass(frozen=True, slots=True)
class CommandInfo:
    name: str
    # Lazy: evaluated in the locale active where it is rendered (a reply, or setMyCommands per language).
    description: LazyProxy
    role: Role


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", __("Start the bot and show your role"), Role.VIEWER),
    CommandInfo("help", __("List the commands you can use"), Role.VIEWER),
    CommandInfo("lang", __("Choose the language of the bot"), Role.VIEWER),
    CommandInfo("tz", __("Choose the time zone of the replies"), Role.VIEWER),
    CommandInfo("notify", __("Choose which pushes you get: on, silent or off"), Role.VIEWER),
    CommandInfo("accounts", __("Accounts, whether they answer, what they can do"), Role.VIEWER),
    CommandInfo("balance", __("Balances of one account or all"), Role.VIEWER),
    CommandInfo("portfolio", __("Value of everything in one currency, with a chart"), Role.VIEWER),
    CommandInfo("orders", __("Open orders"), Role.VIEWER),
    CommandInfo("trades", __("Recent trades"), Role.VIEWER),
    CommandInfo("deposits", __("Deposits with their status"), Role.VIEWER),
    CommandInfo("withdrawals", __("Withdrawals with their status and txid"), Role.VIEWER),
    CommandInfo("price", __("Price of a pair: /price ACCOUNT PAIR"), Role.VIEWER),
    CommandInfo("book", __("Order book of a pair: /book ACCOUNT PAIR"), Role.VIEWER),
    CommandInfo("chart", __("Candlestick chart: /chart ACCOUNT PAIR [INTERVAL]"), Role.VIEWER),
    CommandInfo(
        "alert", __("Price alert: /alert ACCOUNT PAIR > PRICE | < PRICE | x PRICE | +5% 1h"), Role.VIEWER
    ),
    CommandInfo("alerts", __("Your price alerts, to pause or delete"), Role.VIEWER),
    CommandInfo("directions", __("Exchanger sites: directions, rates, reserves"), Role.VIEWER),
    CommandInfo("bids", __("Exchanger sites: recent bids and their status"), Role.VIEWER),
    CommandInfo("buy", __("Buy, after a preview: /buy ACCOUNT PAIR AMOUNT [PRICE]"), Role.TRADER),
    CommandInfo("sell", __("Sell, after a preview: /sell ACCOUNT PAIR AMOUNT [PRICE]"), Role.TRADER),
    CommandInfo("cancel", __("Cancel an open order, after a preview: /cancel ACCOUNT ORDER_ID"), Role.TRADER),
    CommandInfo("bid", __("Exchanger bid, after a preview: /bid ACCOUNT DIRECTION AMOUNT"), Role.TRADER),
    CommandInfo(
        "withdraw",
        __("Withdraw after a preview and teammates' approval: /withdraw ACCOUNT ASSET AMOUNT ADDRESS"),
        Role.TRADER,
    ),
    CommandInfo(
        "allowlist", __("Withdrawal allowlist: /allowlist add ACCOUNT ASSET ADDRESS [label]"), Role.TRADER
    ),
    CommandInfo("2fa", __("Enrol in step-up codes for approving withdrawals"), Role.APPROVER),
    CommandInfo("audit", __("Show the latest audit log entries"), Role.ADMIN),
)


def commands_for(role: Role) -> list[CommandInfo]:
    return [command for command in COMMANDS if role >= command.role]
