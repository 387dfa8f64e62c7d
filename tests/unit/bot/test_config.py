import typing
from decimal import Decimal
from pathlib import Path

import pytest

from bot.accounts import build_registry
from bot.app import build_monitoring
from bot.config import (
    CONFIG_ENV_VAR,
    AccountConfig,
    Config,
    ConfigError,
    ExchangerAccount,
    IqfinexAccount,
    NarkasaAccount,
    load_config,
    parse_config,
    resolve_config_path,
)
from services.accounts import AccountRegistry
from services.exchanges.budget import TimeBudget
from services.exchanges.registry import EXCHANGES
from services.redis_client import Keys, create_redis
from services.team import Role
from tests.conftest import REDIS_URL

MINIMAL = """
[telegram]
token = "123:inline-token"

[[team]]
telegram_id = 1001
name = "alice"
role = "admin"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    return caught.value.problems


def _base(**sections: object) -> dict[str, object]:
    data: dict[str, object] = {
        "telegram": {"token": "123:t"},
        "team": [{"telegram_id": 1, "name": "alice", "role": "admin"}],
    }
    data.update(sections)
    return data


def test_minimal_file_gets_the_documented_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL))
    assert config.telegram.api_url == "https://api.telegram.org"
    assert config.telegram.mode == "polling"
    assert config.redis.url == "redis://127.0.0.1:6379/0"
    assert config.redis.prefix == "chatops"
    assert (config.web.host, config.web.port) == ("127.0.0.1", 8080)
    assert config.withdrawals.approvals_required == 1
    assert config.withdrawals.approval_timeout_s == 900
    assert config.alerts.poll_interval_s == 10
    assert config.alerts.max_per_member == 100
    assert config.alerts.hysteresis == Decimal("0.005")
    assert config.portfolio.quote == "USDT"
    assert config.portfolio.dust_threshold == Decimal("1")
    assert config.display.timezone == "UTC"
    assert config.team[0].role is Role.ADMIN


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_BOT_TOKEN", "123:from-env")
    config = parse_config(_base(telegram={"token": "env:TEST_BOT_TOKEN"}))
    assert config.telegram.token.get_secret_value() == "123:from-env"


def test_secret_from_file_drops_the_trailing_newline(tmp_path: Path) -> None:
    secret_file = tmp_path / "token"
    secret_file.write_text("123:from-file\n", encoding="utf-8")
    config = parse_config(_base(telegram={"token": f"file:{secret_file}"}))
    assert config.telegram.token.get_secret_value() == "123:from-file"


def test_missing_environment_variable_names_the_key_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    assert _problems(_base(telegram={"token": "env:NOT_SET_ANYWHERE"})) == [
        "telegram.token: environment variable NOT_SET_ANYWHERE is not set"
    ]


def test_unreadable_secret_file_names_the_key(tmp_path: Path) -> None:
    [problem] = _problems(_base(telegram={"token": f"file:{tmp_path / 'missing'}"}))
    assert problem.startswith("telegram.token: cannot read file")


def test_secrets_never_appear_in_repr_or_str() -> None:
    config = parse_config(
        _base(
            accounts=[{"name": "main", "exchange": "incorex", "api_key": "KEY-123", "api_secret": "SEC-456"}]
        )
    )
    for text in (repr(config), str(config), config.model_dump_json()):
        assert "KEY-123" not in text and "SEC-456" not in text and "123:t" not in text


def test_secret_values_lists_every_secret_for_redaction() -> None:
    config = parse_config(
        _base(
            redis={"url": "redis://:redis-pass@localhost:6379/0"},
            accounts=[{"name": "main", "exchange": "incorex", "api_key": "KEY-123", "api_secret": "SEC-456"}],
        )
    )
    assert set(config.secret_values()) == {"123:t", "KEY-123", "SEC-456", "redis-pass"}


def test_redis_password_is_masked_in_the_summary() -> None:
    config = parse_config(_base(redis={"url": "redis://:redis-pass@localhost:6379/0"}))
    assert config.model_dump(mode="json")["redis"]["url"] == "redis://:**********@localhost:6379/0"


def test_unknown_keys_are_rejected_by_name() -> None:
    assert _problems(_base(web={"port": 8080, "prot": 1})) == ["web.prot: unknown key"]


def test_unknown_exchange_lists_the_supported_ones() -> None:
    problems = _problems(
        _base(
            accounts=[
                {"name": "a", "exchange": "incorex", "api_key": "k", "api_secret": "s"},
                {"name": "b", "exchange": "binance", "api_key": "k", "api_secret": "s"},
            ]
        )
    )
    assert problems == ["accounts[1].exchange: must be one of incorex, iqfinex, indodax, exchanger, narkasa"]


def test_exchanger_needs_base_url_login_and_key() -> None:
    problems = _problems(_base(accounts=[{"name": "x", "exchange": "exchanger"}]))
    assert sorted(problems) == [
        "accounts[0].api_key: required",
        "accounts[0].api_login: required",
        "accounts[0].base_url: required",
    ]


def test_exchanger_account_is_parsed_into_its_model() -> None:
    config = parse_config(
        _base(
            accounts=[
                {
                    "name": "x",
                    "exchange": "exchanger",
                    "base_url": "https://exchanger.example/",
                    "api_login": "login",
                    "api_key": "key",
                }
            ]
        )
    )
    [account] = config.accounts
    assert isinstance(account, ExchangerAccount)
    assert account.base_url == "https://exchanger.example"


@pytest.mark.parametrize("exchange", ["incorex", "indodax", "narkasa"])
def test_key_and_secret_exchanges_need_both(exchange: str) -> None:
    problems = _problems(_base(accounts=[{"name": "x", "exchange": exchange, "api_key": "k"}]))
    assert problems == ["accounts[0].api_secret: required"]


def test_narkasa_has_a_default_websocket_url_that_can_be_changed() -> None:
    account = {"name": "n", "exchange": "narkasa", "api_key": "k", "api_secret": "s"}
    default = parse_config(_base(accounts=[account])).accounts[0]
    custom = parse_config(_base(accounts=[{**account, "ws_url": "ws://127.0.0.1:9000/v3"}])).accounts[0]
    assert isinstance(default, NarkasaAccount) and isinstance(custom, NarkasaAccount)
    assert default.ws_url == "wss://api.narkasa.com/v3"
    assert custom.ws_url == "ws://127.0.0.1:9000/v3"


def test_ws_url_is_only_for_narkasa() -> None:
    account = {"name": "i", "exchange": "incorex", "api_key": "k", "api_secret": "s", "ws_url": "wss://x"}
    assert _problems(_base(accounts=[account])) == ["accounts[0].ws_url: unknown key"]


def test_account_names_are_lowercase_words() -> None:
    account = {"name": "Main Account", "exchange": "incorex", "api_key": "k", "api_secret": "s"}
    assert _problems(_base(accounts=[account])) == [
        "accounts[0].name: use 1-32 characters from a-z, 0-9, _ and -"
    ]


def test_account_names_are_unique() -> None:
    account = {"name": "main", "exchange": "incorex", "api_key": "k", "api_secret": "s"}
    assert _problems(_base(accounts=[account, account])) == [
        "accounts[1].name: duplicate of accounts[0].name"
    ]


def test_team_telegram_ids_are_unique() -> None:
    team = [
        {"telegram_id": 1, "name": "alice", "role": "admin"},
        {"telegram_id": 1, "name": "bob", "role": "viewer"},
    ]
    assert _problems(_base(team=team)) == ["team[1].telegram_id: duplicate of team[0].telegram_id"]


def test_team_role_must_be_a_known_role() -> None:
    team = [{"telegram_id": 1, "name": "alice", "role": "root"}]
    assert _problems(_base(team=team)) == ["team[0].role: must be one of viewer, trader, approver, admin"]


def test_webhook_mode_needs_url_and_a_valid_secret() -> None:
    problems = _problems(
        _base(telegram={"token": "1:t", "mode": "webhook", "webhook_url": "https://bot.example/hook"})
    )
    assert problems == [
        "telegram.webhook_secret: webhook mode needs 1-256 characters from A-Z, a-z, 0-9, _ and -"
    ]


def test_webhook_path_comes_from_the_public_url() -> None:
    config = parse_config(
        _base(
            telegram={
                "token": "1:t",
                "mode": "webhook",
                "webhook_url": "https://bot.example/tg/hook",
                "webhook_secret": "abc",
            }
        )
    )
    assert config.telegram.webhook_path == "/tg/hook"


def test_mode_must_be_polling_or_webhook() -> None:
    assert _problems(_base(telegram={"token": "1:t", "mode": "push"})) == [
        "telegram.mode: must be one of polling, webhook"
    ]


def test_portfolio_quote_is_upper_cased_and_dust_is_decimal() -> None:
    config = parse_config(_base(portfolio={"quote": "usdt", "dust_threshold": "0.5"}))
    assert config.portfolio.quote == "USDT"
    assert config.portfolio.dust_threshold == Decimal("0.5")


@pytest.mark.parametrize("zone", ["Asia", "../../etc", "a/" * 500])
def test_a_display_timezone_that_is_a_folder_or_a_path_is_refused_by_name(zone: str) -> None:
    assert _problems(_base(display={"timezone": zone})) == [
        "display.timezone: must be an IANA time zone such as UTC or Europe/Istanbul"
    ]


def test_display_timezone_is_found_in_any_case() -> None:
    assert parse_config(_base(display={"timezone": "europe/istanbul"})).display.timezone == "Europe/Istanbul"


def test_display_timezone_must_exist() -> None:
    assert _problems(_base(display={"timezone": "Mars/Olympus"})) == [
        "display.timezone: must be an IANA time zone such as UTC or Europe/Istanbul"
    ]


def test_a_file_with_three_mistakes_names_all_three(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        MINIMAL
        + """
[web]
prot = 8080

[[accounts]]
name = "main"
exchange = "kraken"
api_key = "k"
api_secret = "s"

[withdrawals]
approvals_required = 0
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [
        "web.prot: unknown key",
        "accounts[0].exchange: must be one of incorex, iqfinex, indodax, exchanger, narkasa",
        "withdrawals.approvals_required: must be greater than or equal to 1",
    ]


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[telegram\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(path)


def test_config_path_comes_from_the_option_then_the_environment() -> None:
    assert resolve_config_path("a.toml", {CONFIG_ENV_VAR: "b.toml"}) == Path("a.toml")
    assert resolve_config_path(None, {CONFIG_ENV_VAR: "b.toml"}) == Path("b.toml")
    with pytest.raises(ConfigError, match=CONFIG_ENV_VAR):
        resolve_config_path(None, {})


def test_config_is_immutable(tmp_path: Path) -> None:
    config: Config = load_config(_write(tmp_path, MINIMAL))
    with pytest.raises(ValueError):
        config.web.port = 1  # type: ignore[misc]


def test_the_shipped_example_config_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = (Path(__file__).resolve().parents[3] / "config.example.toml").read_text(encoding="utf-8")
    secret_file = tmp_path / "indodax_secret"
    secret_file.write_text("s", encoding="utf-8")
    for name in (
        "BOT_TOKEN",
        "INCOREX_KEY",
        "INCOREX_SECRET",
        "INDODAX_KEY",
        "EXCHANGER_LOGIN",
        "EXCHANGER_KEY",
    ):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("NARKASA_KEY", "x")
    monkeypatch.setenv("NARKASA_SECRET", "x")
    monkeypatch.setenv("IQFINEX_KEY", "x")
    config = load_config(_write(tmp_path, example.replace("/run/secrets/indodax_secret", str(secret_file))))
    exchanges = [account.exchange for account in config.accounts]
    assert exchanges == ["incorex", "indodax", "iqfinex", "exchanger", "narkasa"]


def test_accounts_accept_exactly_the_exchanges_that_have_a_client() -> None:
    union = typing.get_args(AccountConfig)[0]
    tags = [typing.get_args(model.model_fields["exchange"].annotation)[0] for model in typing.get_args(union)]
    assert sorted(tags) == sorted(EXCHANGES)


def test_an_iqfinex_account_needs_only_its_key() -> None:
    account = parse_config(_base(accounts=[{"name": "iq", "exchange": "iqfinex", "api_key": "k"}])).accounts[
        0
    ]
    assert isinstance(account, IqfinexAccount)
    assert account.api_key.get_secret_value() == "k"


def test_portfolio_price_tolerance_defaults_to_5_percent_and_reads_a_percent_or_a_fraction() -> None:
    assert parse_config(_base()).portfolio.price_tolerance == Decimal("0.05")
    assert parse_config(_base(portfolio={"price_tolerance": "2.5 %"})).portfolio.price_tolerance == Decimal(
        "0.025"
    )
    assert parse_config(_base(portfolio={"price_tolerance": 0.1})).portfolio.price_tolerance == Decimal("0.1")


@pytest.mark.parametrize("value", ["150%", "0", 1, -0.1, "abc%", "nan"])
def test_portfolio_price_tolerance_out_of_range_or_not_a_number_is_refused_by_name(value: object) -> None:
    problems = _problems(_base(portfolio={"price_tolerance": value}))
    assert len(problems) == 1 and problems[0].startswith("portfolio.price_tolerance: must be")


def test_the_price_tolerance_reaches_the_portfolio() -> None:
    config = parse_config(_base(portfolio={"price_tolerance": "2%"}))
    monitoring = build_monitoring(config, AccountRegistry.build([]), create_redis(REDIS_URL), Keys("t"))
    assert monitoring.portfolio.price_tolerance == Decimal("0.02")


def test_history_days_stays_within_what_the_incorex_client_reads() -> None:
    # incorex.txt, Wallet API: "limited to 10 requests per minute from one IP address"; wallet_history
    # answers one day ("begin", "end") per request, and a look-back of N days touches N + 1 of them
    incorex = {"name": "ix", "exchange": "incorex", "api_key": "k", "api_secret": "s"}
    problems = _problems(_base(accounts=[incorex], exchanges={"history_days": 10}))
    assert any(p.startswith("exchanges.history_days") and "at most 9" in p for p in problems), problems
    assert parse_config(_base(accounts=[incorex], exchanges={"history_days": 9})).exchanges.history_days == 9
    assert parse_config(_base(exchanges={"history_days": 10})).exchanges.history_days == 10  # no IncoreX


def test_read_cache_s_defaults_to_five_seconds_and_refuses_negative_or_long() -> None:
    assert parse_config(_base()).exchanges.read_cache_s == 5
    assert parse_config(_base(exchanges={"read_cache_s": 0})).exchanges.read_cache_s == 0
    for bad in (-1, 61, "soon"):
        [problem] = _problems(_base(exchanges={"read_cache_s": bad}))
        assert problem.startswith("exchanges.read_cache_s: "), problem


async def test_one_request_timeout_sets_the_time_budget_of_every_client_and_service() -> None:
    config = parse_config(
        _base(
            exchanges={"request_timeout_s": 3},
            accounts=[{"name": "inc", "exchange": "incorex", "api_key": "k", "api_secret": "s"}],
        )
    )
    registry = build_registry(config, None)
    try:
        monitoring = build_monitoring(config, registry, create_redis(REDIS_URL), Keys("t"))
        assert registry.get("inc").client.config.budget == TimeBudget(3)
        assert monitoring.portfolio.budget == monitoring.history.budget == monitoring.exchanger.budget
        assert monitoring.portfolio.budget == TimeBudget(3)
    finally:
        await registry.close()


def test_the_request_timeout_defaults_to_the_budgets_default() -> None:
    assert parse_config(_base()).exchanges.budget == TimeBudget()


INDODAX = {"name": "indodax-main", "exchange": "indodax", "api_key": "k", "api_secret": "s"}


def test_withdrawal_policy_rules_are_read_per_account_and_asset() -> None:
    rule = {
        "account": "indodax-main",
        "asset": "btc",
        "max_per_tx": "0.2",
        "max_per_day": 1,
        "addresses": ["a"],
    }
    config = parse_config(
        _base(
            accounts=[INDODAX],
            withdrawals={"approvals_required": 1, "confirm_ttl_s": 60, "policy": [rule]},
            notifications={"approvals_chat_id": -100123},
        )
    )
    (read,) = config.withdrawals.policy
    assert (read.asset, read.max_per_tx, read.max_per_day, read.addresses) == (
        "BTC",
        Decimal("0.2"),
        1,
        ["a"],
    )
    assert config.notifications.approvals_chat_id == -100123 and config.notifications.chat_id is None


def test_withdrawal_policy_limits_in_the_quote_are_read_exactly() -> None:
    rule = {
        "account": "indodax-main",
        "asset": "BTC",
        "max_per_tx_quote": 2500.1,
        "max_per_day_quote": "10000",
    }
    config = parse_config(_base(accounts=[INDODAX], withdrawals={"policy": [rule]}))
    (read,) = config.withdrawals.policy
    assert (read.max_per_tx_quote, read.max_per_day_quote) == (Decimal("2500.1"), Decimal(10000))
    zero = {"account": "indodax-main", "asset": "BTC", "max_per_day_quote": 0}
    assert _problems(_base(accounts=[INDODAX], withdrawals={"policy": [zero]})) == [
        "withdrawals.policy[0].max_per_day_quote: must be greater than 0"
    ]


def test_withdrawal_policy_mistakes_are_named() -> None:
    unknown = {"account": "nosuch", "asset": "BTC"}
    assert _problems(_base(withdrawals={"policy": [unknown]})) == [
        "withdrawals.policy[0].account: not a configured account"
    ]
    twice = [{"account": "indodax-main", "asset": "BTC"}, {"account": "indodax-main", "asset": "btc"}]
    assert _problems(_base(accounts=[INDODAX], withdrawals={"policy": twice})) == [
        "withdrawals.policy[1]: a second rule for this account and asset"
    ]
    negative = {"account": "indodax-main", "asset": "BTC", "max_per_tx": "-1"}
    assert _problems(_base(accounts=[INDODAX], withdrawals={"policy": [negative]})) == [
        "withdrawals.policy[0].max_per_tx: must be greater than 0"
    ]


def test_a_quorum_the_team_cannot_reach_stops_start_up() -> None:
    team = [
        {"telegram_id": 1, "name": "alice", "role": "admin"},
        {"telegram_id": 2, "name": "carol", "role": "trader"},
    ]
    assert _problems(_base(team=team, withdrawals={"approvals_required": 2})) == [
        "withdrawals.approvals_required: the team has 1 approver(s) or admin(s): too few for this quorum"
    ]


def test_alert_hysteresis_reads_as_a_percent() -> None:
    assert parse_config(_base(alerts={"hysteresis": "1%"})).alerts.hysteresis == Decimal("0.01")


@pytest.mark.parametrize(
    ("key", "value"), [("max_per_member", 0), ("hysteresis", "150%"), ("hysteresis", "0")]
)
def test_bad_alert_settings_stop_start_up_naming_the_key(key: str, value: object) -> None:
    [problem] = _problems(_base(alerts={key: value}))
    assert problem.startswith(f"alerts.{key}: ")


def test_sentinels_give_the_master_name_addresses_and_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SENTINEL_PASSWORD", "sentinel-pass")
    config = parse_config(
        _base(
            redis={
                "url": "redis://:redis-pass@/2",
                "sentinels": ["10.0.0.1:26379", "[::1]:26380"],
                "sentinel_master": "chatops",
                "sentinel_password": "env:TEST_SENTINEL_PASSWORD",
            }
        )
    )
    target = config.redis.sentinel
    assert target is not None
    assert (target.sentinels, target.master) == ((("10.0.0.1", 26379), ("::1", 26380)), "chatops")
    assert target.password == "sentinel-pass"
    assert "sentinel-pass" in config.secret_values()
    summary = config.model_dump(mode="json")["redis"]
    assert summary["sentinels"] == ["10.0.0.1:26379", "[::1]:26380"]
    assert "sentinel-pass" not in str(summary) and "sentinel-pass" not in repr(config)


def test_without_sentinels_redis_is_the_url() -> None:
    assert parse_config(_base()).redis.sentinel is None


@pytest.mark.parametrize(
    ("redis", "problem"),
    [
        ({"sentinels": ["10.0.0.1"]}, 'redis.sentinels[0]: must be "host:port" with a port from 1 to 65535'),
        ({"sentinels": ["h:0"], "sentinel_master": "m"}, 'redis.sentinels[0]: must be "host:port"'),
        ({"sentinels": [26379], "sentinel_master": "m"}, 'redis.sentinels[0]: must be a "host:port" string'),
        ({"sentinels": ["h:1", "h:1"], "sentinel_master": "m"}, "redis.sentinels[1]: the same sentinel is"),
        (
            {"sentinels": ["h:1"]},
            "redis.sentinel_master: the master's name the sentinels monitor is required",
        ),
        ({"sentinel_master": "m"}, "redis.sentinel_master: needs redis.sentinels"),
        ({"sentinel_password": "pw"}, "redis.sentinel_password: needs redis.sentinels"),
        (
            {"sentinels": ["h:1"], "sentinel_master": "my master"},
            "redis.sentinel_master: use 1-64 characters",
        ),
        ({"sentinels": ["h:1"], "sentinel_master": "m", "url": "redis://h/zero"}, "redis.url: the path must"),
        (
            {"sentinels": ["h:1"], "sentinel_master": "m", "url": "redis://h/0?ssl_cert_reqs=none"},
            "redis.url: with",
        ),
        (
            {"sentinels": ["h:1"], "sentinel_master": "m", "url": "unix://localhost/run/redis.sock"},
            "redis.url: with sentinels",
        ),
        (
            {"sentinels": ["h:1"], "sentinel_master": "m", "sentinal_master": "m"},
            "redis.sentinal_master: unknown",
        ),
    ],
)
def test_bad_sentinel_settings_stop_start_up_naming_the_key(redis: dict[str, object], problem: str) -> None:
    [reported] = _problems(_base(redis=redis))
    assert reported.startswith(problem), reported


def test_the_team_group_gets_the_chosen_kinds_of_push() -> None:
    config = parse_config(_base(notifications={"chat_id": -100200, "group_kinds": ["deposits", "approvals"]}))
    group = config.notifications.team_group
    assert group is not None and group.chat_id == -100200
    assert set(group.kinds) == {"deposits", "approvals"}
    assert parse_config(_base()).notifications.team_group is None


def test_an_unknown_kind_of_push_or_a_pace_above_telegrams_limits_is_refused() -> None:
    problems = _problems(_base(notifications={"group_kinds": ["prices"], "per_second": 100}))
    assert len(problems) == 2
    assert problems[0].startswith("notifications.group_kinds[0]: must be") and "price_alerts" in problems[0]
    assert problems[1].startswith("notifications.per_second:")


def test_step_up_codes_asked_for_without_an_encryption_key_stop_start_up() -> None:
    problems = _problems(_base(withdrawals={"code_required_above": 1000}))
    assert len(problems) == 1 and problems[0].startswith("security.encryption_key: required")


def test_the_step_up_threshold_is_a_decimal_and_the_key_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATOPS_TEST_2FA_KEY", "k" * 32)
    config = parse_config(
        _base(
            withdrawals={"code_required_above": 0.1}, security={"encryption_key": "env:CHATOPS_TEST_2FA_KEY"}
        )
    )
    assert config.withdrawals.code_required_above == Decimal("0.1")
    assert config.security.encryption_key.get_secret_value() == "k" * 32
    assert "k" * 32 in config.secret_values()


def test_watcher_intervals_default_under_half_of_each_limit_and_incorex_cannot_poll_faster_than_it() -> None:
    watchers = parse_config(_base()).watchers
    # IncoreX's wallet history: 10 requests a minute; deposits and withdrawals, at most 2 each (today and
    # yesterday)
    assert 4 * 60 / watchers.interval_s("incorex") <= 5
    assert watchers.interval_s("indodax") == 15 and watchers.interval_s("narkasa") == 15
    problems = _problems(_base(watchers={"incorex_interval_s": 1}))
    assert len(problems) == 1 and problems[0].startswith("watchers.incorex_interval_s")


def test_the_public_url_makes_each_accounts_callback_url() -> None:
    web = parse_config(_base(web={"public_url": "https://bot.example.com/"})).web
    assert web.callback_url("exchanger", "exchanger-main") == (
        "https://bot.example.com/callbacks/exchanger/exchanger-main"
    )
    assert parse_config(_base()).web.callback_url("exchanger", "exchanger-main") is None
    assert _problems(_base(web={"public_url": "bot.example.com"})) == [
        "web.public_url: must be empty or a URL starting with http:// or https://"
    ]
