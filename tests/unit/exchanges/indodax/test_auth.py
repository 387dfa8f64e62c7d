"""TAPI signing: the document's test vector, and what each auth mode puts in the body."""

from __future__ import annotations

from urllib.parse import parse_qsl

from aioresponses import aioresponses

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.indodax.auth import AuthMode, IndodaxSigner, sign
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.nonce import MemoryNonceSource, ServerClock
from services.exchanges.transport import Request

from . import examples
from .conftest import KEY, SECRET, TAPI

VECTOR_BODY = b"method=getInfo&timestamp=1578304294000&recvWindow=1578303937000"
VECTOR_SIGN = (
    "bab004e5a518740d7a33b38b44dbebecd3fb39f40b42391af39fcce06edabff5"
    "233b3e8064a07c528d1c751a6923d5116026c7786e01b22e2d35277a098cae99"
)


def signer(mode: AuthMode, clock: ServerClock | None = None) -> IndodaxSigner:
    return IndodaxSigner(
        KEY, SECRET, mode=mode, clock=clock or ServerClock(), nonces=MemoryNonceSource(), recv_window_ms=5000
    )


def test_the_documents_test_vector() -> None:
    assert sign(SECRET, VECTOR_BODY) == VECTOR_SIGN


async def test_timestamp_mode_signs_the_exact_body_with_key_and_sign_headers() -> None:
    signed = await signer(AuthMode.TIMESTAMP)(
        Request("POST", "/tapi", "getInfo", form=[("method", "getInfo")])
    )
    assert signed.body is not None
    assert signed.headers["Key"] == KEY
    assert signed.headers["Sign"] == sign(SECRET, signed.body)
    assert [k for k, _ in parse_qsl(signed.body.decode())] == ["method", "timestamp", "recvWindow"]


async def test_timestamp_follows_the_server_clock() -> None:
    clock = ServerClock()
    clock.offset_ms = -3_600_000
    signed = await signer(AuthMode.TIMESTAMP, clock)(Request("POST", "/tapi", "getInfo", form=[]))
    assert signed.body is not None
    timestamp = int(dict(parse_qsl(signed.body.decode()))["timestamp"])
    assert abs(timestamp - clock.now_ms()) < 1000


async def test_nonce_mode_sends_a_growing_nonce() -> None:
    nonce_signer = signer(AuthMode.NONCE)
    bodies = [await nonce_signer(Request("POST", "/tapi", "getInfo", form=[])) for _ in range(3)]
    nonces = [int(dict(parse_qsl((b.body or b"").decode()))["nonce"]) for b in bodies]
    assert nonces == sorted(set(nonces))


async def test_first_private_call_measures_the_server_clock(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.post(TAPI, body=examples.GET_INFO)
    await client.fetch_balance()
    assert client.clock.measured
    assert client.clock.offset_ms < -(10**11)  # the example's server time is from 2019


async def test_nonce_mode_needs_no_server_clock(mock: aioresponses) -> None:
    config = ClientConfig("indodax-test", Credentials(KEY, SECRET))
    async with IndodaxClient(config, auth_mode=AuthMode.NONCE) as client:
        mock.post(TAPI, body=examples.GET_INFO)
        await client.fetch_balance()
        assert not client.clock.measured
