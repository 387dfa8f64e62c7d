"""Signing: hex HMAC-SHA512 of the exact body bytes, nonce in the body, Key and Sign headers."""

from __future__ import annotations

from urllib.parse import parse_qsl

from services.exchanges.incorex.auth import IncorexSigner, sign
from services.exchanges.nonce import MemoryNonceSource
from services.exchanges.transport import Request

from .conftest import KEY, SECRET

# the document's example: hash_hmac('sha512', 'param=val&param1=val1', '1ddec0f92f297e937bdf409977df0c02'),
# its value computed independently with `openssl dgst -sha512 -hmac`
DOC_SIGN = (
    "9c5e6f041eef7c17dc9c0ff8d78672c2f42808123b9710ce5259765b5ed952d6"
    "baadc8cade67efc0c880fd4690899348d83373d4c42fdd71b05010091213fefe"
)


def test_the_documents_example_signs_to_the_known_value() -> None:
    assert sign(SECRET, b"param=val&param1=val1") == DOC_SIGN


async def test_the_signer_appends_the_nonce_and_signs_the_bytes_it_sends() -> None:
    signer = IncorexSigner(KEY, SECRET, MemoryNonceSource())
    request = Request(
        "POST", "/v1/user_trades", "user_trades", form=[("pair", "BTC_USD,BTC_EUR")], signed=True
    )
    signed = await signer(request)
    assert signed.body is not None
    params = parse_qsl(signed.body.decode())
    assert [name for name, _ in params] == ["pair", "nonce"]
    assert params[0] == ("pair", "BTC_USD,BTC_EUR")
    assert signed.headers["Key"] == KEY
    assert signed.headers["Sign"] == sign(SECRET, signed.body)
    assert signed.headers["Content-Type"] == "application/x-www-form-urlencoded"


async def test_each_signed_request_gets_a_greater_nonce() -> None:
    signer = IncorexSigner(KEY, SECRET, MemoryNonceSource())
    request = Request("POST", "/v1/user_info", "user_info", form=[], signed=True)
    nonces = []
    for _ in range(5):
        body = (await signer(request)).body or b""
        nonces.append(int(dict(parse_qsl(body.decode()))["nonce"]))
    assert nonces == sorted(set(nonces))
