"""Bare aiogram, the baseline of the update throughput bench: a Dispatcher with no middleware and one
handler that answers every message with the bot's own answer (text and parse mode from a JSON file),
polling the same emulator as the bot.

    python -m bench.bare_bot API_URL TOKEN REPLY_JSON
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def main(api_url: str, token: str, reply: dict[str, str]) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def answer(message: Message) -> None:
        await message.answer(reply["text"], parse_mode=reply.get("parse_mode"))

    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(Path(sys.argv[3]).read_text())))
