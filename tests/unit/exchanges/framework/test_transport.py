"""The shared HTTP loop: retries for reads only, Decimal JSON, error mapping, redaction."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiohttp
import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.ratelimit import MemoryRateLimiter, RateLimit, background_requests
from services.exchanges.redaction import Redactor
from services.exchanges.transport import Request, Response, RetryPolicy, SignedRequest, Transport

BASE = "https://api.example.test"
SECRET = "s3cr3t-value-never-shown"


@pytest.fixture
async def transport() -> AsyncIterator[Transport]:
    t = Transport(
        "example",
        BASE,
        limiter=MemoryRateLimiter([]),
        redactor=Redactor([SECRET]),
        retry=RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002),
        budget=TimeBudget(0.5),
    )
    yield t
    await t.close()


def read(endpoint: str = "ticker") -> Request:
    return Request("GET", f"/{endpoint}", endpoint)


def write(endpoint: str = "order_create") -> Request:
    return Request("POST", f"/{endpoint}", endpoint, form=[("pair", "BTC_USDT")], write=True)


async def test_numbers_come_back_as_decimal(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/ticker", body='{"last": 0.1, "vol": 12}')
        data = await transport.request(read())
    assert data["last"] == Decimal("0.1")
    assert isinstance(data["last"], Decimal)


async def test_a_read_survives_transient_server_errors(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/ticker", status=502, body="bad gateway")
        mock.get(f"{BASE}/ticker", status=200, body="<html>oops")
        mock.get(f"{BASE}/ticker", status=200, body='{"ok": true}')
        assert await transport.request(read()) == {"ok": True}


async def test_a_read_gives_up_after_the_last_attempt(transport: Transport) -> None:
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(f"{BASE}/ticker", status=503)
        with pytest.raises(errors.ExchangeUnavailable):
            await transport.request(read())


async def test_a_write_is_sent_once_even_when_the_server_fails(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", status=503)
        mock.post(f"{BASE}/order_create", status=200, body="{}")
        with pytest.raises(errors.OutcomeUnknown):
            await transport.request(write())
        sent = [key for key in mock.requests if key[0] == "POST"]
        assert len(mock.requests[sent[0]]) == 1


async def test_a_write_that_times_out_has_an_unknown_outcome(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", exception=TimeoutError())
        with pytest.raises(errors.OutcomeUnknown):
            await transport.request(write())


async def test_a_write_refused_at_connect_is_plainly_unavailable(transport: Transport) -> None:
    refused = aiohttp.ClientConnectorError(
        connection_key=None,  # type: ignore[arg-type]
        os_error=ConnectionRefusedError(111, "refused"),
    )
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", exception=refused)
        with pytest.raises(errors.ExchangeUnavailable) as caught:
            await transport.request(write())
    assert not isinstance(caught.value, errors.OutcomeUnknown)


async def test_garbage_is_a_bad_response_naming_exchange_and_endpoint(transport: Transport) -> None:
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(f"{BASE}/ticker", status=200, body='{"truncated": ')
        with pytest.raises(errors.BadResponse) as caught:
            await transport.request(read())
    assert "example/ticker" in str(caught.value)


async def test_rate_limited_read_waits_retry_after_then_succeeds(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/ticker", status=429, headers={"Retry-After": "0"})
        mock.get(f"{BASE}/ticker", status=200, body="[]")
        assert await transport.request(read()) == []


async def test_rate_limited_write_is_reported_not_retried(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", status=429, headers={"Retry-After": "3"})
        with pytest.raises(errors.RateLimited) as caught:
            await transport.request(write())
    assert caught.value.retry_after == 3


async def test_http_auth_statuses_map_to_their_classes(transport: Transport) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/a", status=401, body="{}")
        mock.get(f"{BASE}/b", status=403, body="{}")
        with pytest.raises(errors.AuthenticationError):
            await transport.request(read("a"))
        with pytest.raises(errors.PermissionDenied):
            await transport.request(read("b"))


async def test_error_hook_maps_exchange_codes_before_statuses() -> None:
    def hook(request: Request, response: Response) -> None:
        if isinstance(response.data, dict) and response.data.get("error") == "funds":
            raise errors.InsufficientFunds("not enough", exchange="example", endpoint=request.endpoint)

    t = Transport("example", BASE, limiter=MemoryRateLimiter([]), error_hook=hook)
    try:
        with aioresponses() as mock:
            mock.post(f"{BASE}/order_create", status=400, body='{"error": "funds"}')
            with pytest.raises(errors.InsufficientFunds):
                await t.request(write())
    finally:
        await t.close()


async def test_secrets_never_reach_error_texts(transport: Transport) -> None:
    with aioresponses() as mock:
        for _ in range(3):
            mock.get(f"{BASE}/ticker", status=200, body=f"<html>invalid key {SECRET} sign=abcdef")
        with pytest.raises(errors.BadResponse) as caught:
            await transport.request(read())
    assert SECRET not in str(caught.value)
    assert "abcdef" not in str(caught.value)


async def test_signer_sees_the_request_and_its_output_goes_on_the_wire() -> None:
    seen: list[bytes | None] = []

    async def signer(request: Request) -> SignedRequest:
        body = request.encoded_body()
        seen.append(body)
        return SignedRequest(request.method, request.path, body, {"Sign": "x", **request.headers})

    t = Transport("example", BASE, limiter=MemoryRateLimiter([]), signer=signer)
    try:
        with aioresponses() as mock:
            mock.post(f"{BASE}/order_create", status=200, body="{}")
            await t.request(Request("POST", "/order_create", "order_create", form=[("a", "1")], signed=True))
            call = next(iter(mock.requests.values()))[0]
    finally:
        await t.close()
    assert seen == [b"a=1"]
    assert call.kwargs["headers"]["Sign"] == "x"
    assert call.kwargs["data"] == b"a=1"


async def test_a_full_client_side_window_is_reported_with_when_to_come_back() -> None:
    t = Transport(
        "example",
        BASE,
        limiter=MemoryRateLimiter([RateLimit("wallet", 1, 60)]),
        retry=RetryPolicy(max_limiter_wait=1),
    )
    request = Request("GET", "/wallet", "wallet_history", buckets=("wallet",))
    try:
        with aioresponses() as mock:
            mock.get(f"{BASE}/wallet", body="{}")
            await t.request(request)
            with pytest.raises(errors.LocalRateLimit) as caught:
                await t.request(request)
            assert len(next(iter(mock.requests.values()))) == 1  # the second never left
    finally:
        await t.close()
    assert caught.value.retry_after is not None and caught.value.retry_after > 50


async def test_a_background_poll_waits_its_turn_longer_than_a_member_is_kept_waiting() -> None:
    class Recording(MemoryRateLimiter):
        def __init__(self) -> None:
            super().__init__([])
            self.waits: list[float | None] = []

        async def acquire(self, buckets: Sequence[str], max_wait: float | None = None) -> None:
            self.waits.append(max_wait)

    limiter = Recording()
    t = Transport(
        "example", BASE, limiter=limiter, retry=RetryPolicy(max_limiter_wait=1, max_background_wait=45)
    )
    request = Request("GET", "/wallet", "wallet_history", buckets=("wallet",))
    try:
        with aioresponses() as mock:
            mock.get(f"{BASE}/wallet", body="{}", repeat=True)
            await t.request(request)
            with background_requests():
                await t.request(request)
    finally:
        await t.close()
    assert limiter.waits == [1, 45]


@pytest.mark.parametrize("header", ["nan", "inf", "-inf", "-5"])
async def test_a_retry_after_that_makes_no_sense_is_not_passed_on(transport: Transport, header: str) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", status=429, headers={"Retry-After": header})
        with pytest.raises(errors.RateLimited) as caught:
            await transport.request(write())
    assert caught.value.retry_after is None


@pytest.mark.parametrize("header", ["nan", "-5"])
async def test_a_read_told_a_senseless_retry_after_backs_off_and_answers(
    transport: Transport, header: str
) -> None:
    with aioresponses() as mock:
        mock.get(f"{BASE}/ticker", status=429, headers={"Retry-After": header})
        mock.get(f"{BASE}/ticker", status=200, body='{"ok": true}')
        async with asyncio.timeout(5):  # a nan wait used to hang here
            assert await transport.request(read()) == {"ok": True}


async def test_a_retry_after_date_and_an_absurd_delay_are_read_sensibly(transport: Transport) -> None:
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", status=429, headers={"Retry-After": soon})
        mock.post(f"{BASE}/order_create", status=429, headers={"Retry-After": "1e300"})
        with pytest.raises(errors.RateLimited) as dated:
            await transport.request(write())
        with pytest.raises(errors.RateLimited) as absurd:
            await transport.request(write())
    assert dated.value.retry_after is not None and 100 < dated.value.retry_after <= 120
    assert absurd.value.retry_after == 86400


async def test_a_write_answered_with_a_page_that_is_not_json_has_an_unknown_outcome(
    transport: Transport,
) -> None:
    with aioresponses() as mock:
        mock.post(f"{BASE}/order_create", status=200, body="<html>Cloudflare</html>")
        with pytest.raises(errors.OutcomeUnknown):
            await transport.request(write())
