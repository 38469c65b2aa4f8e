"""The request body, bounded before it is read: its size, the time it takes to arrive, and
the nesting of its JSON.

``Content-Length`` beyond the limit is refused without reading a byte; a body sent without
one (chunked) is read up to the limit and refused as soon as it passes it. A body that
trickles in slower than the read timeout is refused with 408, so a slow client cannot hold
a worker. JSON nested thousands of levels deep ends ``json.loads`` in a ``RecursionError``
(a 500 before this module); it is a 400 now, as is any nesting past the limit.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import ClientDisconnect, Request

from registre.graphql.http import RequestError


async def read_body(request: Request, max_bytes: int, timeout_s: float) -> bytes:
    """The whole body, or a 413 / 408 :class:`RequestError`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.isdigit():
            raise RequestError(400, "the Content-Length header is not a number")
        if int(declared) > max_bytes:
            raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0

    async def receive() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)

    try:
        await asyncio.wait_for(receive(), timeout_s)
    except TimeoutError:
        raise RequestError(
            408,
            f"the request body did not arrive within {timeout_s:g} s (setting api_body_timeout_s)",
            {"Connection": "close"},
        ) from None
    except ClientDisconnect:
        raise RequestError(400, "the client disconnected before sending the whole body") from None
    return b"".join(chunks)


def _too_large(max_bytes: int) -> RequestError:
    return RequestError(
        413,
        f"the request body is larger than {max_bytes:,} bytes (setting api_max_body_bytes)",
        {"Connection": "close"},
    )


def json_depth(value: Any, stop_after: int) -> int:
    """How deep arrays and objects nest in ``value`` (walked without recursion; the walk
    stops once ``stop_after`` is passed)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > stop_after:
            return deepest
        stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return deepest


def parse_json(body: bytes, max_depth: int) -> Any:
    """The JSON value of ``body``, or a 400 :class:`RequestError`."""
    too_deep = RequestError(
        400,
        f"the request body nests JSON deeper than {max_depth} levels (setting api_max_json_depth)",
    )
    try:
        value = json.loads(body)
    except RecursionError:
        # the C decoder recurses once a level: thousands of levels exhaust the stack guard
        raise too_deep from None
    except ValueError:
        # not JSON, not UTF-8, or a number of more digits than Python converts
        raise RequestError(400, "the request body is not valid JSON") from None
    if json_depth(value, max_depth) > max_depth:
        raise too_deep
    return value
