from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, CommandStart
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.utils.i18n import I18n

from bot.app import build_dispatcher, build_services
from bot.commands import localized_commands
from bot.i18n import build_i18n
from bot.metrics import BotMetrics
from bot.middlewares.roles import ROLE_FLAG
from bot.middlewares.tracking import UpdateTracker
from handlers import get_routers
from handlers.commands import COMMANDS, commands_for
from handlers.languages import LOCALES
from services.redis_client import create_redis
from services.team import Role
from tests.integration.bot.harness import team_config


def _handler_roles() -> dict[str, Role]:
    """Command name -> least role, as declared by the handlers' flags."""
    roles: dict[str, Role] = {}
    for router in get_routers():
        for handler in router.message.handlers:
            for filter_ in handler.filters or []:
                command = filter_.callback
                if isinstance(command, Command | CommandStart):
                    for name in command.commands:
                        roles[str(name)] = handler.flags[ROLE_FLAG]
    return roles


def _assembled_dispatcher() -> Dispatcher:
    """The dispatcher exactly as the bot builds it (Redis is only connected on first use: never here)."""
    config = team_config("walk")
    redis = create_redis(config.redis.url)
    metrics = BotMetrics()
    return build_dispatcher(
        build_services(config, redis),
        redis=redis,
        i18n=build_i18n(),
        metrics=metrics,
        tracker=UpdateTracker(metrics),
        storage=MemoryStorage(),
    )


def _message_and_callback_handlers(root: Router) -> list[HandlerObject]:
    return [
        handler
        for router in root.chain_tail
        for observer in (router.message, router.callback_query)
        for handler in observer.handlers
    ]


def test_every_message_and_callback_handler_declares_a_role() -> None:
    handlers = _message_and_callback_handlers(_assembled_dispatcher())
    # both kinds are there, so the walk cannot pass by finding nothing
    assert {h.callback.__name__ for h in handlers} >= {"show_audit", "redraw_screen", "choose_language"}
    undeclared = [h.callback.__qualname__ for h in handlers if not isinstance(h.flags.get(ROLE_FLAG), Role)]
    assert undeclared == []


def test_catalog_roles_agree_with_handler_flags() -> None:
    assert _handler_roles() == {info.name: info.role for info in COMMANDS}


def test_get_routers_builds_fresh_routers_each_call() -> None:
    first, second = get_routers(), get_routers()
    assert all(a is not b for a, b in zip(first, second, strict=True))


def test_viewers_do_not_see_admin_commands() -> None:
    assert "audit" not in {info.name for info in commands_for(Role.VIEWER)}
    assert "audit" in {info.name for info in commands_for(Role.ADMIN)}


def test_command_descriptions_are_localized_per_language() -> None:
    i18n: I18n = build_i18n()
    descriptions = {locale: [c.description for c in localized_commands(i18n, locale)] for locale in LOCALES}
    assert len({tuple(texts) for texts in descriptions.values()}) == len(LOCALES)
    assert descriptions["ru"][0] == "Запустить бота и показать вашу роль"
    for locale in LOCALES:
        assert [c.command for c in localized_commands(i18n, locale)] == [info.name for info in COMMANDS]
