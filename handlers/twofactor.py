"""/2fa: enrolment in step-up codes. The QR image and the otpauth link are shown once; the first valid
code from the app confirms it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, Message

from handlers.views.twofactor import (
    already_enrolled_text,
    enrol_caption,
    enrol_wrong_text,
    enrolled_text,
    not_available_text,
    qr_png,
)
from services.team import Role, TeamMember
from services.twofactor import TwoFactor

APPROVER = {"role": Role.APPROVER}


class Enrol(StatesGroup):
    code = State()


async def on_2fa(message: Message, state: FSMContext, member: TeamMember, twofactor: TwoFactor) -> None:
    await state.clear()
    if not twofactor.available:
        await message.answer(not_available_text(), parse_mode=ParseMode.HTML)
        return
    if await twofactor.enrolled(member.telegram_id):
        await message.answer(already_enrolled_text(), parse_mode=ParseMode.HTML)
        return
    enrolment = await twofactor.begin(member.telegram_id, member.name)
    await message.answer_photo(
        BufferedInputFile(qr_png(enrolment.uri), "2fa.png"),
        caption=enrol_caption(enrolment.uri),
        parse_mode=ParseMode.HTML,
    )
    await state.set_state(Enrol.code)


async def on_enrol_code(
    message: Message, state: FSMContext, member: TeamMember, twofactor: TwoFactor
) -> None:
    if not await twofactor.confirm(member.telegram_id, message.text or ""):
        await message.answer(enrol_wrong_text(), parse_mode=ParseMode.HTML)
        return
    await state.clear()
    await message.answer(enrolled_text(), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="twofactor")
    router.message.register(on_2fa, Command("2fa"), flags=APPROVER)
    router.message.register(
        on_enrol_code, StateFilter(Enrol.code), F.text, ~F.text.startswith("/"), flags=APPROVER
    )
    return router
