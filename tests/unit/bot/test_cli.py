import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import CONFIG_ENV_VAR

GOOD = """
[telegram]
token = "123:very-secret-token"

[[team]]
telegram_id = 1001
name = "alice"
role = "admin"

[[accounts]]
name = "main"
exchange = "indodax"
api_key = "indodax-key-value"
api_secret = "indodax-secret-value"
"""

BAD = """
[telegram]
token = "123:very-secret-token"
mode = "websocket"

[[team]]
telegram_id = 1001
name = "alice"
role = "superuser"

[[accounts]]
name = "main"
exchange = "exchanger"
base_url = "https://x.example"
api_key = "k"
"""


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_config_prints_a_summary_without_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", "--config", _file(tmp_path, GOOD)]) == 0
    out = capsys.readouterr().out
    assert '"exchange": "indodax"' in out
    for secret in ("very-secret-token", "indodax-key-value", "indodax-secret-value"):
        assert secret not in out


def test_check_config_lists_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", "--config", _file(tmp_path, BAD)]) == 1
    err = capsys.readouterr().err
    assert "telegram.mode: must be one of polling, webhook" in err
    assert "team[0].role: must be one of viewer, trader, approver, admin" in err
    assert "accounts[0].api_login: required" in err


def test_check_config_reads_the_path_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(CONFIG_ENV_VAR, _file(tmp_path, GOOD))
    assert main(["check-config"]) == 0


def test_run_refuses_a_bad_config_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", _file(tmp_path, BAD)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "team[0].role" in result.stderr
    assert "Traceback" not in result.stderr
