"""The configuration file (contract in design.md): models, validation and loading.

Every section forbids unknown keys, so a typo stops start-up instead of being ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from bot.config_errors import ConfigError, field_problem, format_validation_error
from bot.secrets import resolve_secret
from services.exchanges.budget import DEFAULT_REQUEST_TIMEOUT_S, TimeBudget
from services.exchanges.incorex.constants import MAX_LOOKBACK_DAYS as INCOREX_MAX_LOOKBACK_DAYS
from services.notify_settings import Kind, TeamGroup
from services.outbox.limits import Limits
from services.redis_client import SentinelTarget
from services.team import Role
from services.user_settings import find_timezone

CONFIG_ENV_VAR = "CHATOPS_CONFIG"


def _resolve(value: Any) -> Any:
    return resolve_secret(value) if isinstance(value, str) else value


def _non_empty_secret(value: SecretStr) -> SecretStr:
    if not value.get_secret_value():
        raise ValueError("must not be empty")
    return value


# A secret written inline, as env:NAME or as file:/path; held as SecretStr so it never
# shows up in repr(), str() or a JSON dump.
Secret = Annotated[SecretStr, BeforeValidator(_resolve)]
RequiredSecret = Annotated[SecretStr, BeforeValidator(_resolve), AfterValidator(_non_empty_secret)]


def _url_checker(*schemes: str) -> Any:
    def check(value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.netloc:
            raise ValueError(f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return value.rstrip("/")

    return AfterValidator(check)


def _parse_host_port(value: Any) -> tuple[str, int]:
    if not isinstance(value, str):
        raise ValueError('must be a "host:port" string')
    host, _, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # an IPv6 address is written [::1]:26379
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f'must be "host:port" with a port from 1 to 65535, not {value!r}')
    return host, int(port)


def _format_host_port(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


HostPort = Annotated[tuple[str, int], BeforeValidator(_parse_host_port), PlainSerializer(_format_host_port)]
HttpUrl = Annotated[str, _url_checker("http", "https")]


def _empty_or_url(value: Any) -> Any:
    if value == "":
        return value
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be empty or a URL starting with http:// or https://")
    return value.rstrip("/")


WsUrl = Annotated[str, _url_checker("ws", "wss")]


def _parse_role(value: Any) -> Role:
    if isinstance(value, Role):
        return value
    if isinstance(value, str):
        return Role.from_name(value)
    raise ValueError(f"must be one of {', '.join(Role.names())}")


RoleName = Annotated[Role, BeforeValidator(_parse_role), PlainSerializer(lambda role: role.label)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramConfig(Section):
    token: RequiredSecret
    api_url: HttpUrl = "https://api.telegram.org"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_secret: Secret = SecretStr("")

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> TelegramConfig:
        if self.mode != "webhook":
            return self
        parts = urlsplit(self.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise field_problem(("webhook_url",), "webhook mode needs the public URL Telegram calls")
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a secret token.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", self.webhook_secret.get_secret_value()):
            raise field_problem(
                ("webhook_secret",), "webhook mode needs 1-256 characters from A-Z, a-z, 0-9, _ and -"
            )
        return self

    @property
    def webhook_path(self) -> str:
        """The local path the web app serves the webhook on: the path of the public URL."""
        return urlsplit(self.webhook_url).path or "/webhook"


class RedisConfig(Section):
    # May carry a password, so it accepts env:/file: like a secret and is printed masked.
    url: Annotated[str, BeforeValidator(_resolve), _url_checker("redis", "rediss", "unix")] = (
        "redis://127.0.0.1:6379/0"
    )
    prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")] = "chatops"
    # With sentinels the master's address comes from them; `url` then gives only the user, password,
    # database number and TLS (rediss://), and its host:port is not used.
    sentinels: list[HostPort] = []
    sentinel_master: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{0,64}$")] = ""
    sentinel_password: Secret = SecretStr("")

    @model_validator(mode="after")
    def _sentinel_settings_go_together(self) -> RedisConfig:
        for index, address in enumerate(self.sentinels):
            if address in self.sentinels[:index]:
                raise field_problem(("sentinels", index), "the same sentinel is listed twice")
        if not self.sentinels:
            for name in ("sentinel_master", "sentinel_password"):
                if getattr(self, name) != type(self).model_fields[name].default:
                    raise field_problem((name,), "needs redis.sentinels")
            return self
        if not self.sentinel_master:
            raise field_problem(("sentinel_master",), "the master's name the sentinels monitor is required")
        parts = urlsplit(self.url)
        if parts.scheme == "unix":
            raise field_problem(("url",), "with sentinels use redis:// or rediss://, not a unix socket")
        if parts.query:
            raise field_problem(("url",), "with sentinels the URL takes no ?options")
        if not re.fullmatch(r"/?\d*", parts.path):
            raise field_problem(("url",), "the path must be the database number, e.g. redis://:PASSWORD@/0")
        return self

    @property
    def sentinel(self) -> SentinelTarget | None:
        """Where to find the master, or None for a plain Redis at `url`."""
        if not self.sentinels:
            return None
        password = self.sentinel_password.get_secret_value() or None
        return SentinelTarget(tuple(self.sentinels), self.sentinel_master, password)

    @property
    def password(self) -> str | None:
        return urlsplit(self.url).password

    @field_serializer("url")
    def _mask_password(self, url: str) -> str:
        return url.replace(f":{self.password}@", ":**********@") if self.password else url


class WebConfig(Section):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    # the bot's public base URL (behind a TLS proxy): exchanges that are told where to call back (an
    # exchanger site, per bid) get it plus /callbacks/<exchange>/<account>; empty: they are polled only
    public_url: Annotated[str, BeforeValidator(_empty_or_url)] = ""

    def callback_url(self, exchange: str, account: str) -> str | None:
        return f"{self.public_url}/callbacks/{exchange}/{account}" if self.public_url else None


class TeamMemberConfig(Section):
    telegram_id: Annotated[int, Field(gt=0)]
    name: Annotated[str, Field(min_length=1, max_length=64)]
    role: RoleName


AccountName = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]


class _Account(Section):
    name: AccountName
    base_url: HttpUrl | None = None


class IncorexAccount(_Account):
    exchange: Literal["incorex"]
    api_key: RequiredSecret
    api_secret: RequiredSecret


class IqfinexAccount(_Account):
    exchange: Literal["iqfinex"]
    api_key: RequiredSecret
    # Iqfinex authenticates with the key alone; a secret, if given, is kept (and redacted) but unused
    api_secret: Secret = SecretStr("")


class IndodaxAccount(_Account):
    exchange: Literal["indodax"]
    api_key: RequiredSecret
    api_secret: RequiredSecret
    # Indodax limits trading "per account and pair": keys with the same account_id share that window
    account_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")] | None = None


class ExchangerAccount(_Account):
    """A site running the Premium Exchanger script: there is no default host, so base_url is required."""

    exchange: Literal["exchanger"]
    base_url: HttpUrl
    api_login: RequiredSecret
    api_key: RequiredSecret
    # sent as API-LANG: the site answers (error texts, titles) in it
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(_[A-Z]{2})?$")] | None = None


class NarkasaAccount(_Account):
    exchange: Literal["narkasa"]
    api_key: RequiredSecret
    api_secret: RequiredSecret
    ws_url: WsUrl = "wss://api.narkasa.com/v3"


AccountConfig = Annotated[
    IncorexAccount | IqfinexAccount | IndodaxAccount | ExchangerAccount | NarkasaAccount,
    Field(discriminator="exchange"),
]


AssetCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,12}$")]
PositiveAmount = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


class WithdrawalPolicyConfig(Section):
    """Limits and pinned addresses for one account and asset."""

    account: AccountName
    asset: AssetCode
    max_per_tx: PositiveAmount | None = None
    max_per_day: PositiveAmount | None = None  # rolling 24 hours, requests awaiting approval included
    # the same limits valued in [portfolio] quote (a request nothing can price is then refused)
    max_per_tx_quote: PositiveAmount | None = None
    max_per_day_quote: PositiveAmount | None = None
    addresses: list[Annotated[str, Field(min_length=1, max_length=128)]] = []  # empty: any address

    @field_validator("asset", mode="after")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("max_per_tx", "max_per_day", "max_per_tx_quote", "max_per_day_quote", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Any:
        return Decimal(str(value)) if isinstance(value, float) else value


class WithdrawalsConfig(Section):
    approvals_required: Annotated[int, Field(ge=1)] = 1
    approval_timeout_s: Annotated[int, Field(ge=1)] = 900
    # how long the requester's Confirm button works
    confirm_ttl_s: Annotated[int, Field(ge=10, le=3600)] = 120
    # an address added with /allowlist is usable this long after an admin approved it
    new_address_delay_h: Annotated[float, Field(ge=0, le=24 * 30)] = 24.0
    # approvals of a withdrawal worth more than this (in [portfolio] quote) need a TOTP code; 0: all.
    # Unset: codes for all approvals when [security] encryption_key is set, none otherwise.
    code_required_above: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None = None
    policy: list[WithdrawalPolicyConfig] = []


def _parse_fraction(value: Any) -> Any:
    """ "5%" or "5 %" -> 0.05; a number (or its text) is a fraction already. Floats go through str so
    0.05 stays 0.05."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip()
        try:
            return Decimal(number) / 100
        except ArithmeticError:
            raise ValueError('must be a fraction such as 0.05 or a percent such as "5%"') from None
    return value


def _check_fraction(value: Decimal) -> Decimal:
    if not value.is_finite() or not 0 < value < 1:
        raise ValueError('must be a fraction such as 0.05 or a percent such as "5%", above 0 and below 100 %')
    return value


Fraction = Annotated[Decimal, BeforeValidator(_parse_fraction), AfterValidator(_check_fraction)]


class AlertsConfig(Section):
    # one all-tickers request per exchange per this many seconds
    poll_interval_s: Annotated[int, Field(ge=1)] = 10
    # alerts one member may keep (active or paused)
    max_per_member: Annotated[int, Field(ge=1, le=10_000)] = 100
    # a repeating alert re-arms once the price is back past its threshold by this fraction
    hysteresis: Fraction = Decimal("0.005")


class PortfolioConfig(Section):
    quote: Annotated[str, Field(pattern=r"^[A-Z0-9]{2,12}$")] = "USDT"
    # Holdings worth less than this (in `quote`) are left out of the portfolio view.
    dust_threshold: Annotated[Decimal, Field(ge=0)] = Decimal("1")
    # Two price routes of an asset differing by more than this make its price "uncertain".
    price_tolerance: Fraction = Decimal("0.05")

    @field_validator("quote", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


def _check_timezone(value: str) -> str:
    zone = find_timezone(value)
    if zone is None:
        raise ValueError("must be an IANA time zone such as UTC or Europe/Istanbul")
    return str(zone)


class DisplayConfig(Section):
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "UTC"

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ExchangesConfig(Section):
    """Settings shared by every exchange client."""

    # one attempt on the wire; a read with its retries gets 2.5 times that (services.exchanges.budget)
    request_timeout_s: Annotated[float, Field(gt=0, le=120)] = DEFAULT_REQUEST_TIMEOUT_S
    # how far back /deposits and /withdrawals look
    history_days: Annotated[int, Field(ge=1, le=30)] = 3
    # a reply may use an answer this many seconds old (shown with its age); 0 still joins reads in flight
    read_cache_s: Annotated[float, Field(ge=0, le=60)] = 5.0

    @property
    def budget(self) -> TimeBudget:
        return TimeBudget(attempt_s=self.request_timeout_s)


class OrdersConfig(Section):
    # a limit price further than this from the market's mid needs a second Confirm
    price_guard: Fraction = Decimal("0.1")
    # how long a preview's Confirm button works
    confirm_ttl_s: Annotated[int, Field(ge=10, le=3600)] = 120


class ActionsConfig(Section):
    """Actions that move money: how a dead sender is recognised, how often unclear ones are looked up."""

    # a copy sending an action renews its claim this often / 3; an action left in "submitting" without
    # one for this long was being sent by a copy that died, and becomes "unknown"
    inflight_lease_s: Annotated[float, Field(ge=1, le=300)] = 30.0
    # orders with an unknown outcome are looked up at start-up and this often
    reconcile_interval_s: Annotated[float, Field(ge=1, le=3600)] = 60.0


class WorkersConfig(Section):
    """Background work (scheduler, watchers) runs in the one bot copy holding the leader lease."""

    # a dead leader's work moves to another copy within this many seconds
    leader_lease_s: Annotated[float, Field(ge=1, le=300)] = 15.0


class WatchersConfig(Section):
    """Watchers poll each account's history: how often, per exchange, and how far back they catch up."""

    # IncoreX's wallet history allows 10 requests a minute; each interval its deposits and its
    # withdrawals are polled (2 requests, 4 near midnight): every 60 s keeps them under half of it, with
    # room for members' /deposits; more often than every 12 s would fill the limit on its own
    incorex_interval_s: Annotated[float, Field(ge=12, le=3600)] = 60.0
    # the others' order and history endpoints allow several requests a second: a poll (one or two
    # requests, one more per order that ended) every 15 s is far under half of it
    indodax_interval_s: Annotated[float, Field(ge=1, le=3600)] = 15.0
    iqfinex_interval_s: Annotated[float, Field(ge=1, le=3600)] = 15.0
    narkasa_interval_s: Annotated[float, Field(ge=1, le=3600)] = 15.0
    # exchanger sites: each open bid made through the bot is looked up (bid_info) at most once per
    # interval, at most 10 a poll: 20 a minute, under half of the 90 a minute we allow ourselves
    exchanger_interval_s: Annotated[float, Field(ge=1, le=3600)] = 30.0
    # fills of every order of the account, not only of those placed through the bot
    all_orders: bool = True
    # after a time with no copy running, deposits up to this many hours old are still told (IncoreX
    # serves at most 9 days back)
    catch_up_h: Annotated[float, Field(ge=1, le=192)] = 48.0

    def interval_s(self, exchange: str) -> float:
        interval: float = getattr(self, f"{exchange}_interval_s", self.incorex_interval_s)
        return interval


def _default_group_kinds() -> list[Kind]:
    return [Kind.FILLS, Kind.DEPOSITS, Kind.WITHDRAWALS, Kind.APPROVALS, Kind.SYSTEM]


class NotificationsConfig(Section):
    """Pushes: the team group, and the outbox's pace (Telegram's limits, shared by every copy)."""

    # the team group (a negative id): gets the kinds in group_kinds as well as the members
    chat_id: int | None = None
    # approval requests go to this group (instead of to each approver privately) when set
    approvals_chat_id: int | None = None
    group_kinds: list[Kind] = Field(default_factory=_default_group_kinds)
    # messages per second in all; to one private chat; to one group per minute
    per_second: Annotated[float, Field(gt=0, le=30)] = 30.0
    per_chat_per_second: Annotated[float, Field(gt=0, le=1)] = 1.0
    group_per_minute: Annotated[int, Field(ge=1, le=20)] = 20
    # a push held by a copy that stopped answering is taken over by another after this long
    claim_after_s: Annotated[float, Field(ge=1, le=600)] = 30.0

    @property
    def team_group(self) -> TeamGroup | None:
        return None if self.chat_id is None else TeamGroup(self.chat_id, frozenset(self.group_kinds))

    @property
    def limits(self) -> Limits:
        return Limits(self.per_second, self.per_chat_per_second, self.group_per_minute)


class SecurityConfig(Section):
    # encrypts the step-up (TOTP) secrets kept in Redis; empty: /2fa is not available
    encryption_key: Secret = SecretStr("")


class LoggingConfig(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(Section):
    telegram: TelegramConfig
    redis: RedisConfig = RedisConfig()
    web: WebConfig = WebConfig()
    team: Annotated[list[TeamMemberConfig], Field(min_length=1)]
    accounts: list[AccountConfig] = []
    orders: OrdersConfig = OrdersConfig()
    actions: ActionsConfig = ActionsConfig()
    withdrawals: WithdrawalsConfig = WithdrawalsConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    alerts: AlertsConfig = AlertsConfig()
    portfolio: PortfolioConfig = PortfolioConfig()
    display: DisplayConfig = DisplayConfig()
    exchanges: ExchangesConfig = ExchangesConfig()
    workers: WorkersConfig = WorkersConfig()
    security: SecurityConfig = SecurityConfig()
    watchers: WatchersConfig = WatchersConfig()
    logging: LoggingConfig = LoggingConfig()

    @field_validator("team")
    @classmethod
    def _unique_telegram_ids(cls, team: list[TeamMemberConfig]) -> list[TeamMemberConfig]:
        _reject_duplicates([member.telegram_id for member in team], "team", "telegram_id")
        return team

    @field_validator("accounts")
    @classmethod
    def _unique_account_names(cls, accounts: list[AccountConfig]) -> list[AccountConfig]:
        _reject_duplicates([account.name for account in accounts], "accounts", "name")
        return accounts

    @model_validator(mode="after")
    def _history_days_within_incorex_reach(self) -> Config:
        # IncoreX serves wallet history one server day per request, 10 requests a minute
        if self.exchanges.history_days > INCOREX_MAX_LOOKBACK_DAYS and any(
            isinstance(account, IncorexAccount) for account in self.accounts
        ):
            raise field_problem(
                ("exchanges", "history_days"),
                f"at most {INCOREX_MAX_LOOKBACK_DAYS} with an IncoreX account (one wallet_history request"
                " per day, 10 a minute)",
            )
        return self

    @model_validator(mode="after")
    def _withdrawals_can_be_approved(self) -> Config:
        # the requester never approves: with fewer approvers than the quorum nothing could ever leave.
        # A team where nobody may ask for a withdrawal (viewers only) has nothing to approve.
        approvers = sum(1 for member in self.team if member.role >= Role.APPROVER)
        requesters = sum(1 for member in self.team if member.role >= Role.TRADER)
        if requesters and approvers < self.withdrawals.approvals_required:
            raise field_problem(
                ("withdrawals", "approvals_required"),
                f"the team has {approvers} approver(s) or admin(s): too few for this quorum",
            )
        names = {account.name for account in self.accounts}
        seen: set[tuple[str, str]] = set()
        for index, rule in enumerate(self.withdrawals.policy):
            if rule.account not in names:
                raise field_problem(("withdrawals", "policy", index, "account"), "not a configured account")
            if (rule.account, rule.asset) in seen:
                raise field_problem(
                    ("withdrawals", "policy", index), "a second rule for this account and asset"
                )
            seen.add((rule.account, rule.asset))
        return self

    @model_validator(mode="after")
    def _step_up_has_a_key(self) -> Config:
        # asked-for step-up codes without a key would silently let every approval through
        if self.withdrawals.code_required_above is not None and not self.security.encryption_key:
            raise field_problem(
                ("security", "encryption_key"),
                "required when [withdrawals] code_required_above is set (it encrypts the step-up secrets)",
            )
        return self

    def secret_values(self) -> list[str]:
        """Every non-empty secret in the config, for the log redaction filter."""
        values = {secret.get_secret_value() for secret in _walk_secrets(self)}
        values.add(self.redis.password or "")
        return sorted(values - {""})


def _reject_duplicates(values: list[Any], section: str, field: str) -> None:
    first_seen: dict[Any, int] = {}
    for index, value in enumerate(values):
        if value in first_seen:
            raise field_problem((index, field), f"duplicate of {section}[{first_seen[value]}].{field}")
        first_seen[value] = index


def _walk_secrets(value: Any) -> Iterator[SecretStr]:
    if isinstance(value, SecretStr):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk_secrets(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk_secrets(item)


def resolve_config_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    value = cli_value or env.get(CONFIG_ENV_VAR)
    if not value:
        raise ConfigError([f"config: give --config PATH or set {CONFIG_ENV_VAR}"])
    return Path(value)


def parse_config(data: Mapping[str, Any]) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None


def load_config(path: Path) -> Config:
    """Read and validate the file; ConfigError lists every problem found, one per key."""
    try:
        with path.open("rb") as fp:
            data = tomllib.load(fp)
    except OSError as exc:
        raise ConfigError([f"config: cannot read {path}: {exc.strerror or exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"config: {path} is not valid TOML: {exc}"]) from None
    return parse_config(data)


__all__ = [
    "CONFIG_ENV_VAR",
    "AccountConfig",
    "Config",
    "ConfigError",
    "load_config",
    "parse_config",
    "resolve_config_path",
]
