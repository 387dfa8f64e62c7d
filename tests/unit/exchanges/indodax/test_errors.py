"""Each documented error answer maps to the right error class; resynchronisation after a refused
nonce or timestamp happens once and then fails clearly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.indodax.auth import AuthMode
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.indodax.errors import IndodaxErrorHook
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.redaction import Redactor
from services.exchanges.transport import Request, Response, parse_json

from . import examples
from .conftest import KEY, SECRET, TAPI, public

DOCUMENTED = [
    (
        "Invalid credentials. API not found or session has expired.",
        "invalid_credentials",
        errors.AuthenticationError,
    ),
    ("Invalid credentials. Bad sign.", "invalid_credentials", errors.AuthenticationError),
    ("Nonce must be greater than 1578303960000. You provided 1000.", "invalid_nonce", errors.InvalidNonce),
    ("date format must be formatted yyyy-mm-dd", "invalid_date", errors.InvalidRequest),
    ("range date can't more than 7 days", "invalid_date", errors.InvalidRequest),
    ("start date must be less then end date", "invalid_date", errors.InvalidRequest),
    ("Order cancelled because it’s not maker.", None, errors.InvalidOrder),
    ("client order id clientx-sj82ks82j already exists", None, errors.InvalidOrder),
    ("Invalid network, please fill with one of this erc20, trc20, bep20", "", errors.InvalidRequest),
    ("Please use recipient address other than your Indodax account address", "", errors.InvalidRequest),
    ("No permission", None, errors.PermissionDenied),
    ("Insufficient balance.", None, errors.InsufficientFunds),
]

# withdrawCoin's failures that come with success: 1
WITH_SUCCESS = [
    ("Username is not found!", errors.InvalidRequest),
    ("Can't make withdrawal with amount 0, input a larger withdraw_amount value", errors.InvalidRequest),
    (
        "Exceeded today's limit. Remain limit: 217.35817575 AAVE. To increase the limit, please contact "
        "customer service.",
        errors.InvalidRequest,
    ),
]


def answer(body: dict[str, object], status: int = 200) -> Response:
    text = json.dumps(body)
    return Response(status, {}, text, parse_json(text))


def hook(body: dict[str, object], status: int = 200) -> None:
    IndodaxErrorHook(Redactor([SECRET]))(Request("POST", "/tapi", "trade"), answer(body, status))


@pytest.mark.parametrize(("message", "code", "cls"), DOCUMENTED)
def test_documented_error_maps_to_its_class(message: str, code: str | None, cls: type[Exception]) -> None:
    body: dict[str, object] = {"success": 0, "error": message}
    if code is not None:
        body["error_code"] = code
    with pytest.raises(cls) as raised:
        hook(body)
    assert type(raised.value) is cls or cls is errors.InvalidRequest


@pytest.mark.parametrize(("message", "cls"), WITH_SUCCESS)
def test_an_error_with_success_one_is_still_an_error(message: str, cls: type[Exception]) -> None:
    with pytest.raises(cls):
        hook({"success": 1, "error": message, "error_code": ""})


def test_trade_429_is_rate_limited_for_five_seconds() -> None:
    text = "Your User ID sent too many trade request for pair BTCIDR, please try again in 5 seconds"
    with pytest.raises(errors.RateLimited) as raised:
        hook({"success": 0, "error": text, "message": text, "error_code": "too_many_requests"}, 429)
    assert raised.value.retry_after == 5


def test_cancel_429_is_rate_limited() -> None:
    with pytest.raises(errors.RateLimited):
        hook(
            {
                "success": 0,
                "error": "Your User ID sent too many cancel order requests",
                "error_code": "too_many_requests",
            },
            429,
        )


def test_429_without_success_is_rate_limited() -> None:
    with pytest.raises(errors.RateLimited):
        hook({"error": "Too many requests"}, 429)


def test_success_zero_or_string_zero_is_a_failure() -> None:
    with pytest.raises(errors.ExchangeError):
        hook({"success": "0", "error": "something unexpected"})


def test_a_normal_answer_passes() -> None:
    hook({"success": 1, "return": {}})


def test_secrets_never_reach_the_message() -> None:
    with pytest.raises(errors.ExchangeError) as raised:
        hook({"success": 0, "error": f"bad key {SECRET}"})
    assert SECRET not in str(raised.value)


async def test_trade_429_blocks_the_pair_on_our_side(client: IndodaxClient, mock: aioresponses) -> None:
    text = "Your User ID sent too many trade request for pair BTCIDR, please try again in 5 seconds"
    mock.post(
        TAPI, status=429, body=json.dumps({"success": 0, "error": text, "error_code": "too_many_requests"})
    )
    blocked: list[tuple[str, float]] = []

    async def record(bucket: str, seconds: float) -> None:
        blocked.append((bucket, seconds))

    client._tapi.private.limiter.block = record  # type: ignore[method-assign]
    with pytest.raises(errors.RateLimited):
        await client.create_order("BTC/IDR", OrderSide.BUY, OrderType.LIMIT, Decimal(1), Decimal(10**9))
    assert blocked == [("trade:btc_idr", 5.0)]


async def test_refused_timestamp_remeasures_the_clock_and_retries_once(
    client: IndodaxClient, mock: aioresponses
) -> None:
    refusal = {"success": 0, "error": "Invalid timestamp or recvWindow.", "error_code": "invalid_timestamp"}
    mock.post(TAPI, body=json.dumps(refusal))
    mock.post(TAPI, body=examples.GET_INFO)
    await client.fetch_balance()
    server_time_calls = [k for k in mock.requests if "server_time" in str(k[1])]
    assert len(mock.requests[server_time_calls[0]]) == 2


async def test_refused_again_after_resync_says_so(client: IndodaxClient, mock: aioresponses) -> None:
    refusal = {"success": 0, "error": "Invalid timestamp or recvWindow.", "error_code": "invalid_timestamp"}
    mock.post(TAPI, body=json.dumps(refusal), repeat=True)
    with pytest.raises(errors.InvalidNonce, match="still refused after resynchronising the server clock"):
        await client.fetch_balance()


async def test_refused_nonce_advances_past_the_servers_last_nonce(mock: aioresponses) -> None:
    last = 99_999_999_999_999
    refusal = {
        "success": 0,
        "error": f"Nonce must be greater than {last}. You provided 1.",
        "error_code": "invalid_nonce",
    }
    mock.post(TAPI, body=json.dumps(refusal))
    mock.post(TAPI, body=examples.GET_INFO)
    async with IndodaxClient(ClientConfig("t", Credentials(KEY, SECRET)), auth_mode=AuthMode.NONCE) as client:
        await client.fetch_balance()
    second = list(mock.requests.values())[-1][-1].kwargs["data"]
    assert int(dict(p.split("=") for p in second.decode().split("&"))["nonce"]) > last


async def test_unknown_pair_on_public_endpoint(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/api/ticker/xyzidr"), body='{"error":"Invalid pair","error_code":"invalid_pair"}')
    with pytest.raises(errors.UnknownPair):
        await client.fetch_ticker("XYZ/IDR")
