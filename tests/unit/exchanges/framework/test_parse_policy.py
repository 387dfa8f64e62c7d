"""One policy for what a wrong answer shape reveals: the fields and error types, never the values (a
private answer carries balances and addresses)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, field_validator

from services.exchanges import errors
from services.exchanges.base import ClientConfig, ExchangeClient

ADDRESS = "bc1qzz9secretaddress77"
BALANCE = "98765.4321"


class Wallet(BaseModel):
    asset: str
    free: Decimal
    address: int  # the answer carries text here: a wrong shape

    @field_validator("asset")
    @classmethod
    def _known(cls, value: str) -> str:
        # a validator whose message quotes what it was given, as validators often do
        if value != "BTC":
            raise ValueError(f"unknown asset {value!r}")
        return value


class _Client(ExchangeClient):
    exchange: ClassVar[str] = "test"
    display_name: ClassVar[str] = "Test"
    default_base_url: ClassVar[str | None] = "https://exchange.invalid"


@pytest.fixture
def client() -> _Client:
    return _Client(ClientConfig(account="main"))


def _bad(client: _Client, model: Any, raw: Any) -> errors.BadResponse:
    with pytest.raises(errors.BadResponse) as caught:
        client.parse(model, raw, "balance")
    return caught.value


def test_a_wrong_shape_names_the_fields_and_never_the_values(client: _Client) -> None:
    raw = {"asset": f"X-{BALANCE}", "free": f"about {BALANCE}", "address": ADDRESS}
    bad = _bad(client, Wallet, raw)
    text = str(bad)
    assert (bad.exchange, bad.endpoint) == ("test", "balance")
    assert "asset (value_error)" in text
    assert "free (decimal_parsing)" in text
    assert "address (int_parsing)" in text
    assert BALANCE not in text and ADDRESS not in text
    assert bad.__cause__ is None and bad.__suppress_context__  # pydantic's own text is not chained


def test_nested_rows_are_named_by_their_path(client: _Client) -> None:
    rows = [
        {"asset": "BTC", "free": "1", "address": 7},
        {"asset": "BTC", "free": BALANCE, "address": ADDRESS},
    ]
    text = str(_bad(client, list[Wallet], rows))
    assert "1.address (int_parsing)" in text
    assert ADDRESS not in text


def test_many_wrong_fields_are_counted_past_the_first_few(client: _Client) -> None:
    rows = [{"asset": "BTC", "free": "1", "address": ADDRESS}] * 8
    text = str(_bad(client, list[Wallet], rows))
    assert "4.address" in text and "5.address" not in text
    assert text.endswith("and 3 more")


def test_an_unreadable_write_answer_is_outcome_unknown_and_still_shows_no_value(client: _Client) -> None:
    with pytest.raises(errors.OutcomeUnknown) as caught, errors.reading_write_answer("test", "withdraw"):
        client.parse(Wallet, {"asset": "BTC", "free": BALANCE, "address": ADDRESS}, "withdraw")
    assert "address (int_parsing)" in str(caught.value)
    assert ADDRESS not in str(caught.value)


def test_a_right_shape_is_parsed(client: _Client) -> None:
    wallet = client.parse(Wallet, {"asset": "BTC", "free": BALANCE, "address": 7}, "balance")
    assert wallet.free == Decimal(BALANCE)
