"""Raw response shapes around the models: the envelope and the small wrappers of list and status data."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .models import BidStatus, Text, _mapping

T = TypeVar("T")


def _messages(value: Any) -> Any:
    # a field may carry one message or a list of them
    value = _mapping(value)
    if isinstance(value, dict):
        return {str(k): "; ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in value.items()}
    return value


class Envelope(BaseModel):
    """``{"error":0,"error_text":"","error_fields":{...},"data":...}``; ``error`` may be 0 or "0"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    error: Text
    error_text: Text = ""
    error_fields: Annotated[dict[str, str], BeforeValidator(_messages)] = Field(default_factory=dict)
    data: Any = None

    @property
    def ok(self) -> bool:
        return self.error.strip() in ("0", "") and not self.error_fields


class Items(BaseModel, Generic[T]):
    """``{"items":[...]}``; a bare list or an empty answer are read the same way."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    items: list[T] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        if data in (None, "", {}) or isinstance(data, list):
            return {"items": data or []}
        if isinstance(data, dict) and data.get("items") in (None, "", {}):
            return {**data, "items": []}
        return data


class StatusAnswer(BaseModel):
    """cancel_bid, pay_bid, success_bid: "status of the request", bare or as ``{"status": ...}``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    status: BidStatus

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: Any) -> Any:
        return {"status": data} if isinstance(data, str) else data


class PayoutCreated(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    payout_id: Text
