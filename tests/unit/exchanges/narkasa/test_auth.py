from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from services.exchanges.base import Credentials
from services.exchanges.narkasa.auth import NarkasaSigner, hmac_sha256_hex, user_stream_message
from services.exchanges.nonce import ServerClock
from services.exchanges.transport import Request

from .conftest import API_KEY, API_SECRET


def test_document_vector_for_the_query_string() -> None:
    assert (
        hmac_sha256_hex(API_SECRET, "timestamp=1578398112000")
        == "c9445c8f619a64524d58378dbc40d9bfa5148de895cd8c7df8ae769630c5b67c"
    )


def test_user_stream_login_signs_the_api_key() -> None:
    message = user_stream_message(Credentials(api_key=API_KEY, api_secret=API_SECRET))
    assert message == {
        "method": "USER_STREAMS",
        "apiKey": API_KEY,
        "signature": "d36256b4002dc7d604e739651ef8506e0fbdc9c03dffe17124f32e0c8e63ff02",
    }


def test_signed_query_is_timestamp_then_signature_of_what_precedes_it() -> None:
    signer = NarkasaSigner(Credentials(api_key=API_KEY, api_secret=API_SECRET), ServerClock())
    assert signer.sign_query([], 1578398112000) == (
        "timestamp=1578398112000&signature=c9445c8f619a64524d58378dbc40d9bfa5148de895cd8c7df8ae769630c5b67c"
    )


def test_window_size_is_sent_and_signed_when_configured() -> None:
    signer = NarkasaSigner(Credentials(api_key=API_KEY, api_secret=API_SECRET), ServerClock(), 1000)
    query = signer.sign_query([("symbol", "BTCTRY")], 1578398112000)
    unsigned, _, signature = query.rpartition("&signature=")
    assert unsigned == "symbol=BTCTRY&timestamp=1578398112000&windowSize=1000"
    assert signature == hmac_sha256_hex(API_SECRET, unsigned)


async def test_request_carries_the_key_header_and_everything_in_the_query() -> None:
    clock = ServerClock()
    clock.offset_ms = 5_000
    signer = NarkasaSigner(Credentials(api_key=API_KEY, api_secret=API_SECRET), clock)
    request = Request(
        "POST", "/v3/api/market/cancel-order", "cancel", query=[("orderId", "abc")], signed=True
    )
    signed = await signer(request)
    params = dict(parse_qsl(urlsplit(signed.url_path).query))
    assert signed.headers["X-APNK-APIKEY"] == API_KEY
    assert signed.body is None
    assert params["orderId"] == "abc"
    assert abs(int(params["timestamp"]) - clock.now_ms()) < 1_000
