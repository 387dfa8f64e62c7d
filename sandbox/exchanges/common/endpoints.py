"""How a simulator names the endpoint a request is for (shared by fault injection and request counting)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from aiohttp import web

EndpointOf = Callable[[web.Request], "str | Awaitable[str]"]
"""Names the endpoint of a request; may be async and read the body (aiohttp caches it for the handler)."""

CONTROL_PREFIX = "/_control"
_KEY = "sim.endpoint"


def path_endpoint(request: web.Request) -> str:
    """Default naming: the path without its leading slash (``/v1/balance`` -> ``v1/balance``)."""
    return request.path.lstrip("/")


async def form_field_endpoint(request: web.Request, field: str = "method") -> str:
    """The value of a POST form field (IncoreX-style and Indodax TAPI ``method``), else the path."""
    if request.method == "POST":
        form = await request.post()
        value = form.get(field)
        if isinstance(value, str) and value:
            return value
    return path_endpoint(request)


async def endpoint_name(request: web.Request, endpoint_of: EndpointOf | None) -> str:
    """Resolve once per request; later middlewares and handlers get the cached name."""
    cached = request.get(_KEY)
    if isinstance(cached, str):
        return cached
    result = (endpoint_of or path_endpoint)(request)
    name = await result if inspect.isawaitable(result) else result
    assert isinstance(name, str)
    request[_KEY] = name
    return name


def is_control(request: web.Request) -> bool:
    return request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/")
