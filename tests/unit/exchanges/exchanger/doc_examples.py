"""Each response of premium-exchanger.txt, written as valid JSON from the document's field lists.

The document shows no literal JSON, only fields; values are typical of a live site (numbers as strings,
ids as numbers, "no" for an unset limit, PHP's ``[]`` for an empty object) and wrapped in the envelope
real clients see.
"""

from __future__ import annotations

import json
from typing import Any


def ok(data: Any) -> str:
    return json.dumps({"error": 0, "error_text": "", "error_fields": [], "data": data})


TEST = {"ip": "203.0.113.7", "user_id": 15, "locale": "en_US", "partner_id": 15}

DIRECTION_CURRENCIES = {
    "give": [{"id": 1, "title": "Bitcoin BTC", "logo": "https://x.test/btc.png"}],
    "get": [
        {"id": 2, "title": "Tether TRC20 USDT", "logo": "https://x.test/usdt.png"},
        {"id": 3, "title": "Sberbank RUB", "logo": "https://x.test/sber.png"},
    ],
}

DIRECTIONS = [
    {
        "direction_id": 11,
        "currency_give_id": 1,
        "currency_give_title": "Bitcoin BTC",
        "currency_give_logo": "https://x.test/btc.png",
        "currency_get_id": 2,
        "currency_get_title": "Tether TRC20 USDT",
        "currency_get_logo": "https://x.test/usdt.png",
    },
    {
        "direction_id": "12",
        "currency_give_id": "2",
        "currency_give_title": "Tether TRC20 USDT",
        "currency_give_logo": "",
        "currency_get_id": "1",
        "currency_get_title": "Bitcoin BTC",
        "currency_get_logo": "",
    },
]

DIRECTION = {
    "id": 11,
    "url": "https://x.test/exchange_BTC_to_USDTTRC20/",
    "currency_code_give": "BTC",
    "currency_code_get": "USDTTRC20",
    "reserve": "152000.5",
    "course_give": "1",
    "course_get": "61000.25",
    "sum_give": "1",
    "sum_give_com": "1.0005",
    "sum_get": "61000.25",
    "sum_get_com": "61000.25",
    "com_give": "0.0005 BTC",
    "com_get": "",
    "min_give": "0.001",
    "max_give": "no",
    "min_get": "no",
    "max_get": "100000",
    "info": {
        "timeline_text": "Bids are processed in 5-30 minutes.",
        "frozen_text": "",
        "before_button_text": "Check the wallet address.",
        "give_fields": [
            {"name": "account1", "type": "input", "label": "From wallet", "req": 1, "tooltip": "", "cd": 0}
        ],
        "get_fields": [
            {"name": "account2", "type": "input", "label": "To wallet", "req": "1", "tooltip": "", "cd": 0}
        ],
        "dir_fields": [
            {
                "name": "cf6",
                "type": "select",
                "label": "E-mail",
                "req": 0,
                "tooltip": "For the receipt",
                "options": {"1": "yes", "2": "no"},
                "cd": 1,
            }
        ],
    },
}

CALC = {
    "currency_code_give": "BTC",
    "currency_code_get": "USDTTRC20",
    "reserve": "152000.5",
    "course_give": "1",
    "course_get": "61000.25",
    "sum_give": "0.5",
    "sum_give_com": "0.5005",
    "sum_get": "30500.125",
    "sum_get_com": "30500.125",
    "com_give": "0.0005 BTC",
    "com_get": "",
    "min_give": "0.001",
    "max_give": "no",
    "min_get": "no",
    "max_get": "100000",
    "changed": 0,
}

BID = {
    "url": "https://x.test/hst_a1b2c3/",
    "id": 501,
    "hash": "a1b2c3d4e5",
    "status": "new",
    "status_title": "New bid",
    "psys_give": "Bitcoin",
    "psys_get": "Tether TRC20",
    "currency_code_give": "BTC",
    "currency_code_get": "USDTTRC20",
    "amount_give": "0.5",
    "amount_get": "30500.125",
    "api_actions": {
        "type": "address",
        "cancel": "api",
        "pay": "api",
        "instruction": "Send 0.5005 BTC to bc1qexample",
        "pay_amount": "0.5005",
    },
}

BID_PAID_BY_MERCHANT = {
    **BID,
    "status": "payed",
    "api_actions": {
        "type": "merchant",
        "cancel": "disabled",
        "pay": "https://x.test/pay/501",
        "pay_amount": 0,
    },
}

STATUS_BARE = "cancel"
STATUS_OBJECT = {"status": "payed"}

EXCHANGES = {
    "items": [
        {
            "id": 501,
            "api_id": "order-77",
            "time": 1717000000,
            "date": "29.05.2024 16:26",
            "psys_give": "Bitcoin",
            "psys_get": "Tether TRC20",
            "currency_code_give": "BTC",
            "currency_code_get": "USDTTRC20",
            "course_give": "1",
            "course_get": "61000.25",
            "amount_give": "0.5",
            "amount_get": "30500.125",
            "exchange_success": 1,
            "user_hash": "u-hash",
            "user_ip": "203.0.113.7",
            "status": "success",
            "statuses": [
                {"time": "1716999000", "date": "29.05.2024 16:10", "status": "new"},
                {"time": 1716999500, "date": "29.05.2024 16:18", "status": "payed"},
                {"time": 1717000000, "date": "29.05.2024 16:26", "status": "success"},
            ],
        }
    ]
}

PARTNER_INFO = {
    "partner_id": 15,
    "balance": "12.5",
    "min_payout": "10",
    "items": [{"id": 4, "title": "Tether TRC20 USDT", "commission": "1%", "amount": "12.5"}],
}

PARTNER_LINKS = {
    "items": [
        {
            "time": 1717000000,
            "date": "29.05.2024 16:26",
            "browser": "Mozilla/5.0",
            "ip": "198.51.100.4",
            "referrer": "https://forum.test/thread",
            "user_hash": "u2",
            "query_string": "rid=15",
        }
    ]
}

PARTNER_EXCHANGES = {
    "items": [
        {
            **{k: v for k, v in EXCHANGES["items"][0].items() if k not in ("api_id", "statuses")},
            "accrued": 1,
            "partner_reward": "1.25",
        }
    ]
}

PARTNER_PAYOUTS = {
    "items": [
        {
            "id": 9,
            "time": 1717000000,
            "date": "29.05.2024 16:26",
            "method_id": 4,
            "account": "TXexampleaddress",
            "pay_amount": "11.25",
            "pay_currency_code": "USDTTRC20",
            "original_amount": "12.5",
            "original_currency_code": "USD",
            "status": "1",
        }
    ]
}

PAYOUT_CREATED = {"payout_id": 10}
