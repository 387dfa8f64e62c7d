"""Typed models of an exchanger site: directions, calculator results, bids, partner data.

Each model reads the document's wire shape directly (aliases name the wire fields) and is validated at
the boundary. Sites run PHP, so numbers may come as strings, ids as numbers, an empty object as ``[]``
and an unset min/max as ``"no"``: the annotated types below absorb exactly those variations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from services.exchanges.models import MinMax

from .constants import ACTION_API, CANCELLABLE_STATUSES, FINAL_STATUSES, NOT_SET


def _text(value: Any) -> Any:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return "" if value is None else value


def _optional_amount(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", NOT_SET)):
        return None
    return value


def _unix_time(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value), UTC)
    return value


def _mapping(value: Any) -> Any:
    return {} if value in ([], None) else value


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


Text = Annotated[str, BeforeValidator(_text)]
OptionalAmount = Annotated[Decimal | None, BeforeValidator(_optional_amount)]
UnixTime = Annotated[datetime, BeforeValidator(_unix_time)]


class _Wire(BaseModel):
    # sites add fields of their own: ignore them rather than break
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class BidStatus(StrEnum):
    COLDNEW = "coldnew"
    NEW = "new"
    CANCEL = "cancel"
    DELETE = "delete"
    TECHPAY = "techpay"
    PAYED = "payed"
    COLDPAY = "coldpay"
    PARTPAY = "partpay"
    REALPAY = "realpay"
    VERIFY = "verify"
    AMLWAIT = "amlwait"
    AMLERROR = "amlerror"
    MERCHWAIT = "merchwait"
    MERCHERROR = "mercherror"
    ERROR = "error"
    PAYOUTERROR = "payouterror"
    SCRPAYERROR = "scrpayerror"
    COLDSUCCESS = "coldsuccess"
    PARTPAYOUT = "partpayout"
    SUCCESS = "success"

    @property
    def is_final(self) -> bool:
        return self.value in FINAL_STATUSES

    @property
    def is_cancellable(self) -> bool:
        return self.value in CANCELLABLE_STATUSES


class CalcAction(IntEnum):
    """What ``calc_amount`` means in get_calc and create_bid."""

    GIVE = 1
    GET = 2
    GIVE_WITH_FEE = 3
    GET_WITH_FEE = 4


class PayoutStatus(IntEnum):
    PENDING = 0
    PAID = 1
    CANCELED = 2


# -- directions ---------------------------------------------------------------------------------------


class Currency(_Wire):
    id: Text
    title: Text = ""
    logo: Text = ""


class DirectionCurrencies(_Wire):
    give: list[Currency] = Field(default_factory=list)
    get: list[Currency] = Field(default_factory=list)


class DirectionSummary(_Wire):
    id: Text = Field(alias="direction_id")
    give_currency_id: Text = Field(alias="currency_give_id")
    give_title: Text = Field("", alias="currency_give_title")
    give_logo: Text = Field("", alias="currency_give_logo")
    get_currency_id: Text = Field(alias="currency_get_id")
    get_title: Text = Field("", alias="currency_get_title")
    get_logo: Text = Field("", alias="currency_get_logo")


class Quote(_Wire):
    """Rates, amounts and limits of a direction; what get_direction and get_calc share."""

    give_code: Text = Field(alias="currency_code_give")
    get_code: Text = Field(alias="currency_code_get")
    reserve: OptionalAmount = None
    course_give: Decimal
    course_get: Decimal
    sum_give: OptionalAmount = None
    sum_give_com: OptionalAmount = None
    sum_get: OptionalAmount = None
    sum_get_com: OptionalAmount = None
    com_give: Text = ""
    com_get: Text = ""
    min_give: OptionalAmount = None
    max_give: OptionalAmount = None
    min_get: OptionalAmount = None
    max_get: OptionalAmount = None

    @property
    def rate(self) -> Decimal | None:
        """Units of the "get" currency paid for one unit of the "give" currency."""
        return self.course_get / self.course_give if self.course_give else None

    @property
    def give_limits(self) -> MinMax:
        return MinMax(min=self.min_give, max=self.max_give)

    @property
    def get_limits(self) -> MinMax:
        return MinMax(min=self.min_get, max=self.max_get)


class DirectionField(_Wire):
    name: Text
    type: Text = ""
    label: Text = ""
    required: bool = Field(False, alias="req")
    tooltip: Text = ""
    options: Any = None
    cd: bool = False  # goes into get_calc's ``cd`` parameter


class DirectionInfo(_Wire):
    timeline_text: Text = ""
    frozen_text: Text = ""
    before_button_text: Text = ""


class Direction(Quote):
    id: Text
    url: Text = ""
    info: DirectionInfo = DirectionInfo()
    give_fields: list[DirectionField] = Field(default_factory=list)
    get_fields: list[DirectionField] = Field(default_factory=list)
    dir_fields: list[DirectionField] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _lift_fields(cls, data: Any) -> Any:
        # the document lists the field lists under "info"; accept them there or at the top level
        if isinstance(data, dict) and isinstance(data.get("info"), dict):
            data = dict(data)
            for key in ("give_fields", "get_fields", "dir_fields"):
                if key in data["info"] and key not in data:
                    data[key] = data["info"][key]
        return data


class Calc(Quote):
    changed: bool = False  # the site adjusted the amount (to a limit or the reserve)


# -- bids ---------------------------------------------------------------------------------------------


class BidActions(_Wire):
    type: Text = ""
    cancel: Text = ""  # "api", "disabled" or a link
    pay: Text = ""
    instruction: Text = ""
    pay_amount: OptionalAmount = None

    @property
    def cancel_via_api(self) -> bool:
        return self.cancel == ACTION_API

    @property
    def pay_via_api(self) -> bool:
        return self.pay == ACTION_API


class Bid(_Wire):
    """A bid as create_bid and bid_info return it."""

    id: Text
    hash: Text
    url: Text = ""
    status: BidStatus
    status_title: Text = ""
    psys_give: Text = ""
    psys_get: Text = ""
    give_code: Text = Field("", alias="currency_code_give")
    get_code: Text = Field("", alias="currency_code_get")
    amount_give: Decimal
    amount_get: Decimal
    actions: Annotated[BidActions, BeforeValidator(_mapping)] = Field(BidActions(), alias="api_actions")
    api_id: str | None = None  # ours, filled in by the client on create_bid

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @property
    def is_cancellable(self) -> bool:
        return self.status.is_cancellable


class StatusChange(_Wire):
    time: UnixTime
    date: Text = ""
    status: BidStatus


class ExchangeRecord(_Wire):
    """A bid as the list methods return it."""

    id: Text
    time: UnixTime
    date: Text = ""
    psys_give: Text = ""
    psys_get: Text = ""
    give_code: Text = Field("", alias="currency_code_give")
    get_code: Text = Field("", alias="currency_code_get")
    course_give: Decimal
    course_get: Decimal
    amount_give: Decimal
    amount_get: Decimal
    # the document's own words: "0 - request completed, 1 - request not completed"; kept raw
    exchange_success: Annotated[int, BeforeValidator(_int)] = 0
    user_hash: Text = ""
    user_ip: Text = ""
    status: BidStatus
    statuses: list[StatusChange] = Field(default_factory=list)


class BidRecord(ExchangeRecord):
    """An item of get_exchanges: a bid created with this key."""

    api_id: Text = ""


# -- partner ------------------------------------------------------------------------------------------


class PayoutCurrency(_Wire):
    id: Text
    title: Text = ""
    commission: Text = ""
    amount: OptionalAmount = None


class PartnerInfo(_Wire):
    partner_id: Text
    balance: Decimal
    min_payout: OptionalAmount = None
    currencies: list[PayoutCurrency] = Field(default_factory=list, alias="items")


class PartnerLink(_Wire):
    time: UnixTime
    date: Text = ""
    browser: Text = ""
    ip: Text = ""
    referrer: Text = ""
    user_hash: Text = ""
    query_string: Text = ""


class PartnerExchange(ExchangeRecord):
    accrued: bool = False
    partner_reward: OptionalAmount = None


class PartnerPayout(_Wire):
    id: Text
    time: UnixTime
    date: Text = ""
    method_id: Text
    account: Text = ""
    pay_amount: Decimal
    pay_currency_code: Text = ""
    original_amount: OptionalAmount = None
    original_currency_code: Text = ""
    status: Annotated[PayoutStatus, BeforeValidator(_int)]


class SiteAccount(_Wire):
    """What ``test`` says about the key."""

    ip: Text = ""
    user_id: Text = ""
    locale: Text = ""
    partner_id: Text = ""
