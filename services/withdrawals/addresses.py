"""Address formats that can be checked offline: Bitcoin and Litecoin (base58check, bech32/bech32m),
Ethereum-style 0x addresses (ETH and the EVM networks), Tron (base58check). Anything else is checked
for its shape only (no spaces, a sane length): the exchange has the last word."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

MAX_LENGTH = 128
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONSTANTS = (1, 0x2BC830A3)  # bech32 (witness v0), bech32m (v1 and later)
_HEX40 = re.compile(r"0x[0-9a-fA-F]{40}")

_EVM_NETWORKS = frozenset({"erc20", "bep20", "eth", "arb", "op", "base", "bsc", "polygon", "matic"})
_TRON_NETWORKS = frozenset({"trc20", "trx", "tron"})
_NATIVE_NETWORKS = frozenset({"", "mainnet", "btc", "bitcoin", "ltc", "litecoin"})
# base58check version bytes and bech32 prefix per native chain
_NATIVE: dict[str, tuple[frozenset[int], str]] = {
    "BTC": (frozenset({0x00, 0x05}), "bc"),
    "LTC": (frozenset({0x30, 0x32, 0x05}), "ltc"),
}


class AddressProblem(StrEnum):
    SPACES = "spaces"  # whitespace or control characters inside
    TOO_LONG = "too_long"
    CHECKSUM = "checksum"  # the right shape, but the checksum does not match: a typo
    WRONG_NETWORK = "wrong_network"  # not an address of the chosen network


def check_address(asset: str, network: str | None, address: str) -> AddressProblem | None:
    """The first problem found with ``address`` for ``asset`` on ``network``, or None."""
    if not address or any(ch.isspace() or not ch.isprintable() for ch in address):
        return AddressProblem.SPACES
    if len(address) > MAX_LENGTH:
        return AddressProblem.TOO_LONG
    net = (network or "").lower()
    if net in _TRON_NETWORKS or (not net and asset == "TRX"):
        return _tron(address)
    if net in _EVM_NETWORKS or (not net and asset == "ETH"):
        return None if _HEX40.fullmatch(address) else AddressProblem.WRONG_NETWORK
    if asset in _NATIVE and net in _NATIVE_NETWORKS:
        versions, hrp = _NATIVE[asset]
        return _native(address, versions, hrp)
    return None


def _native(address: str, versions: frozenset[int], hrp: str) -> AddressProblem | None:
    if address.lower().startswith(hrp + "1"):
        return _bech32(address, hrp)
    payload = _base58check(address)
    if payload is None:
        return AddressProblem.CHECKSUM if _looks_base58(address) else AddressProblem.WRONG_NETWORK
    if len(payload) != 21 or payload[0] not in versions:
        return AddressProblem.WRONG_NETWORK
    return None


def _tron(address: str) -> AddressProblem | None:
    if not address.startswith("T") or len(address) != 34 or not _looks_base58(address):
        return AddressProblem.WRONG_NETWORK
    payload = _base58check(address)
    if payload is None:
        return AddressProblem.CHECKSUM
    return None if len(payload) == 21 and payload[0] == 0x41 else AddressProblem.WRONG_NETWORK


def _looks_base58(text: str) -> bool:
    return 25 <= len(text) <= 35 and all(ch in _B58 for ch in text)


def _base58check(text: str) -> bytes | None:
    """The payload of a base58check string, or None when it is not one (bad character or checksum)."""
    if not all(ch in _B58 for ch in text):
        return None
    number = 0
    for ch in text:
        number = number * 58 + _B58.index(ch)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(text) - len(text.lstrip("1"))) + body
    if len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


def _bech32(address: str, hrp: str) -> AddressProblem | None:
    if address.lower() != address and address.upper() != address:
        return AddressProblem.CHECKSUM  # mixed case is never valid bech32
    text = address.lower()
    data_part = text[len(hrp) + 1 :]
    if not 6 < len(data_part) <= 84 or any(ch not in _BECH32 for ch in data_part):
        return AddressProblem.CHECKSUM
    data = [_BECH32.index(ch) for ch in data_part]
    expanded = [ord(ch) >> 5 for ch in hrp] + [0] + [ord(ch) & 31 for ch in hrp]
    return None if _polymod(expanded + data) in _BECH32_CONSTANTS else AddressProblem.CHECKSUM


def _polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if (top >> i) & 1 else 0
    return checksum
