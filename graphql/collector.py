"""Full garbage collections between requests rather than during them.

CPython collects its oldest generation when enough young collections have passed: in the
middle of whichever request allocates at that moment, a pause of a walk over every object
the process keeps (what start-up allocated is out of sight, ``gc.freeze()``, but caches
and pools grow afterwards). :func:`settle` raises that generation's threshold out of reach
and :class:`IdleCollector` runs the full collection itself once a response is sent and no
other request is in flight; under a load that never leaves the server idle, after ten
times as many young collections, whatever is in flight.

The young generations keep CPython's thresholds: a larger one makes each collection walk
more (measured: 60-100 ms pauses at 50,000 against a few ms at 700).
"""

from __future__ import annotations

import gc

from starlette.types import ASGIApp, Receive, Scope, Send

#: young collections (generation 1) after which a full collection is due: CPython's own
DUE = 10
#: ... after which it runs even with requests in flight
FORCED = 10 * DUE
#: the oldest generation's threshold once :func:`settle` ran: never reached by itself
OUT_OF_REACH = 1_000_000


class _State:
    #: a full collection by the collector is running (read by ``bench/scale.py``)
    collecting = False


STATE = _State()


def settle() -> None:
    """Once start-up is done: collect, move what it allocated out of the collector's
    sight (``gc.freeze()``) and leave the full collections to :class:`IdleCollector`."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, OUT_OF_REACH)


def collect_if_due(in_flight: int) -> bool:
    """Run a full collection if one is due and nothing is in flight (or long overdue)."""
    pending = gc.get_count()[2]
    if pending < DUE or (in_flight and pending < FORCED):
        return False
    STATE.collecting = True
    try:
        gc.collect()
    finally:
        STATE.collecting = False
    return True


class IdleCollector:
    """ASGI middleware: after each HTTP response, the full collection if it is due."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            collect_if_due(self.in_flight)
