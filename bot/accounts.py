"""From the config's [[accounts]] to live exchange clients."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.config import AccountConfig, Config, ExchangerAccount, IndodaxAccount, NarkasaAccount
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.ratelimit import LimiterPool


def credentials_of(account: AccountConfig) -> Credentials:
    if isinstance(account, ExchangerAccount):
        return Credentials(
            api_key=account.api_key.get_secret_value(), api_login=account.api_login.get_secret_value()
        )
    return Credentials(
        api_key=account.api_key.get_secret_value(), api_secret=account.api_secret.get_secret_value()
    )


def client_config(
    account: AccountConfig, config: Config, redis: Redis | None, limiters: LimiterPool | None = None
) -> ClientConfig:
    return ClientConfig(
        account=account.name,
        credentials=credentials_of(account),
        base_url=account.base_url,
        ws_url=account.ws_url if isinstance(account, NarkasaAccount) else None,
        language=account.language if isinstance(account, ExchangerAccount) else None,
        budget=config.exchanges.budget,
        redis=redis,
        redis_prefix=config.redis.prefix,
        account_id=account.account_id if isinstance(account, IndodaxAccount) else None,
        limiters=limiters,
    )


def build_registry(config: Config, redis: Redis | None) -> AccountRegistry:
    """Nonces and rate-limit windows go through ``redis`` so every bot copy shares them; without it the
    clients of this registry still share the windows their exchange counts together (IP, account)."""
    limiters = LimiterPool()
    return AccountRegistry.build(
        (a.exchange, client_config(a, config, redis, limiters)) for a in config.accounts
    )
