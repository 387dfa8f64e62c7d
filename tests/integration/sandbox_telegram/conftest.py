from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from sandbox.telegram.client import EmulatorClient, running_emulator

TOKEN = "424242:AAE-emulator_test-token"
BOT_ID = 424242
ALICE = 1001
BOB = 1002


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[str, web.Application]]:
    async with running_emulator(webhook_retry_delay=0.05) as running:
        yield running


@pytest.fixture
def base_url(emulator: tuple[str, web.Application]) -> str:
    return emulator[0]


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(base_url) as control:
        yield control


def make_bot(base_url: str, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    instance = make_bot(base_url)
    yield instance
    await instance.session.close()
