from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from sandbox.exchanges import __main__ as cli
from sandbox.exchanges.common.server import running

pytestmark = pytest.mark.integration


async def test_running_serves_on_a_free_port_and_stops() -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"hi": 1})

    app = web.Application()
    app.router.add_get("/hello", hello)
    async with running(app) as base_url, aiohttp.ClientSession() as session:
        assert base_url.startswith("http://127.0.0.1:")
        async with session.get(f"{base_url}/hello") as response:
            assert await response.json() == {"hi": 1}
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{base_url}/hello")


def test_missing_simulator_module_is_none() -> None:
    assert cli.load_simulator("no_such_simulator") is None


def test_cli_says_when_a_simulator_is_not_there(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "load_simulator", lambda name: None)
    assert cli.main(["narkasa"]) == 2
    assert "narkasa simulator is not there yet" in capsys.readouterr().err
