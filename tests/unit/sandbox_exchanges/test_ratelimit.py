import pytest

from sandbox.exchanges.common.ratelimit import RequestLog, ServerLimit, ServerRateLimiter
from services.exchanges.ratelimit import RateLimit


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def now() -> FakeTime:
    return FakeTime()


def test_requests_within_the_limit_pass(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 3, 60)], now=now)
    assert [limiter.check(["private"]) for _ in range(3)] == [None, None, None]


def test_one_over_the_limit_gets_the_wait_until_the_window_frees(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 2, 60)], now=now)
    limiter.check(["private"])
    now.now += 10
    limiter.check(["private"])
    now.now += 5
    assert limiter.check(["private"]) == pytest.approx(45)


def test_the_window_slides(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 1, 60)], now=now)
    limiter.check(["private"])
    now.now += 60
    assert limiter.check(["private"]) is None


def test_template_limits_count_each_bucket_apart(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("trade:*", 1, 1)], now=now)
    assert limiter.check(["trade:btc_idr"]) is None
    assert limiter.check(["trade:eth_idr"]) is None
    assert limiter.check(["trade:btc_idr"]) is not None


def test_scopes_count_apart(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 1, 60)], now=now)
    assert limiter.check(["private"], scope="key-a") is None
    assert limiter.check(["private"], scope="key-b") is None


def test_max_in_window_counts_rejected_requests_too(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 2, 60)], now=now)
    for _ in range(5):
        limiter.check(["private"])
    assert limiter.max_in_window["private"] == 5
    assert limiter.rejected["private"] == 3


def test_max_in_window_stays_at_the_limit_for_a_polite_client(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 2, 60)], now=now)
    for _ in range(6):
        limiter.check(["private"])
        now.now += 30
    assert limiter.max_in_window["private"] == 2


def test_penalty_blocks_the_bucket_after_a_rejection(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("trade:*", 1, 1, penalty=5)], now=now)
    limiter.check(["trade:btc_idr"])
    assert limiter.check(["trade:btc_idr"]) == pytest.approx(5)
    now.now += 2
    assert limiter.check(["trade:btc_idr"]) == pytest.approx(3)
    now.now += 3
    assert limiter.check(["trade:btc_idr"]) is None


def test_client_rate_limits_can_be_declared_directly(now: FakeTime) -> None:
    limiter = ServerRateLimiter([RateLimit("public", 1, 1)], now=now)
    limiter.check(["public"])
    assert limiter.check(["public"]) is not None


def test_reset_forgets_windows_and_maxima(now: FakeTime) -> None:
    limiter = ServerRateLimiter([ServerLimit("private", 1, 60)], now=now)
    limiter.check(["private"])
    limiter.check(["private"])
    limiter.reset()
    assert limiter.max_in_window["private"] == 0
    assert limiter.check(["private"]) is None


def test_request_log_counts_per_endpoint_and_writes(now: FakeTime) -> None:
    log = RequestLog(now=now)
    log.record("getInfo")
    log.record("trade", scope="k", write=True)
    log.record("trade", scope="k", write=True)
    assert log.per_endpoint() == {"getInfo": 1, "trade": 2}
    assert log.count("trade", write=True) == 2
    assert log.count("get*") == 1


def test_request_log_max_in_any_sliding_window(now: FakeTime) -> None:
    log = RequestLog(now=now)
    for offset in (0, 10, 50, 59.9, 60, 61, 200):
        now.now = 1000 + offset
        log.record("x")
    assert log.max_in_window(60, "x") == 5  # 10, 50, 59.9, 60, 61
