"""Prometheus metrics of one bot process.

Each BotMetrics owns its registry instead of using the global one, so tests can build
many dispatchers in one process without "duplicated timeseries" errors.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST


class BotMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "chatops_updates_total",
            "Telegram updates processed, by update type.",
            ["type"],
            registry=self.registry,
        )
        self.handler_errors = Counter(
            "chatops_handler_errors_total",
            "Updates whose processing raised an exception, by update type.",
            ["type"],
            registry=self.registry,
        )
        self.update_seconds = Histogram(
            "chatops_update_seconds",
            "Time spent processing one update.",
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "chatops_updates_in_flight",
            "Updates being processed right now.",
            registry=self.registry,
        )
        self.redis_errors = Counter(
            "chatops_redis_errors_total",
            "Updates that could not be served because Redis was unreachable.",
            registry=self.registry,
        )
        self.unauthorized = Counter(
            "chatops_unauthorized_total",
            "Updates from Telegram users who are not in the team.",
            registry=self.registry,
        )
        self.access_denied = Counter(
            "chatops_access_denied_total",
            "Team members' requests refused for lack of role, by required role.",
            ["role"],
            registry=self.registry,
        )

        # the outbox (bot.outbox) and the alerts: counters the code increments, the depth set per scrape
        self.pushes = Counter(
            "chatops_pushes_total",
            "Pushes the outbox finished, by result: sent (one per message part), blocked, refused.",
            ["result"],
            registry=self.registry,
        )
        self.throttled = Counter(
            "chatops_push_throttled_total",
            "Sends Telegram answered with 429 (retry after); the push waited and went again.",
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "chatops_outbox_depth",
            "Pushes queued or being sent, across every copy.",
            registry=self.registry,
        )
        self.alert_evaluations = Counter(
            "chatops_alert_evaluations_total",
            "Market prices evaluated against alerts.",
            registry=self.registry,
        )
        self.alerts_fired = Counter(
            "chatops_alerts_fired_total",
            "Alerts fired.",
            registry=self.registry,
        )
        self.feed_latency = Histogram(
            "chatops_feed_latency_seconds",
            "Time one all-tickers request of the price feed took, by exchange.",
            ["exchange"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
