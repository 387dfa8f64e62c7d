import pytest

from services.redis_client import Keys


def test_every_key_starts_with_the_prefix() -> None:
    assert Keys("chatops")("lang", 1001) == "chatops:lang:1001"


def test_keys_join_any_number_of_parts() -> None:
    assert Keys("p")("throttle", "unauthorized", 7) == "p:throttle:unauthorized:7"


@pytest.mark.parametrize("prefix", ["", "a:b"])
def test_prefix_must_be_non_empty_and_without_separator(prefix: str) -> None:
    with pytest.raises(ValueError):
        Keys(prefix)


def test_a_key_needs_a_part_after_the_prefix() -> None:
    with pytest.raises(ValueError):
        Keys("p")()
