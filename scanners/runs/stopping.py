"""How a scan is told to stop: a signal in the process that runs it, or a stop flag raised
by whoever runs it in the background (the API's dispatcher, a queue worker).

Both end in the same place: the run's query on the target is cancelled, and the run is
closed as interrupted with a message that says why.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TypeVar

from registre.catalog.i18n import Text
from registre.scanners.connectors.base import Connector

log = logging.getLogger("registre.scan")

T = TypeVar("T")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that every ``finally`` runs."""

    def __init__(self, signal_name: str = "SIGTERM") -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class ScanStopped(Exception):
    """A running scan was asked to stop by its :class:`StopFlag`."""


class StopFlag:
    """Raised once by a process that stops; scans running in its threads see it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str = ""

    def set(self, reason: str) -> None:
        """Stop, for ``reason`` (a :class:`Text`: the run is closed with it in its message)."""
        self.reason = reason
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def clear(self) -> None:
        self.reason = ""
        self._event.clear()


def exit_status(exc: KeyboardInterrupt) -> int:
    """The shell's convention for a process ended by a signal: 128 + its number."""
    name = exc.signal_name if isinstance(exc, Terminated) else "SIGINT"
    return 128 + int(signal.Signals[name])


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread, as SIGINT
    raises KeyboardInterrupt: a stopped ``registre scan`` closes its run like Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(signal.Signals(signum).name)

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; there is nothing to install here
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interruption_message(exc: BaseException) -> Text:
    """The message an interrupted run is closed with."""
    if isinstance(exc, Terminated):
        return Text("interrupted before the end ({reason})", reason=exc.signal_name)
    if isinstance(exc, ScanStopped) and exc.args and exc.args[0]:
        return Text("interrupted before the end ({reason})", reason=exc.args[0])
    return Text("interrupted before the end")


class RunControl:
    """The run's work goes on in a thread of its own while the calling thread watches.

    A signal only reaches the main thread, and only between two Python steps: were the
    main thread inside a driver call, Ctrl-C would wait for the query to end. Watching
    from outside, it can cancel that query on the target at once (``Connector.cancel``).
    """

    #: how long an interrupted run's work may take to notice, before the run is closed anyway
    GRACE_S = 5.0

    def __init__(self, stop: StopFlag) -> None:
        self.stop = stop
        self.interrupted = threading.Event()
        self.connector: Connector | None = None

    def supervise(self, work: Callable[[], T]) -> T:
        """Run ``work`` in a thread and return what it returns, or raise what it raised;
        interrupted meanwhile, interrupt it and raise."""
        outcome: list[T] = []
        failure: list[BaseException] = []

        def body() -> None:
            try:
                outcome.append(work())
            except BaseException as exc:  # noqa: BLE001 - handed to the watching thread
                failure.append(exc)

        thread = threading.Thread(target=body, name="registre-scan", daemon=True)
        thread.start()
        try:
            while thread.is_alive():
                thread.join(timeout=0.2)  # a signal handler runs (and raises) while waiting
                if self.stop.is_set() and thread.is_alive():
                    raise ScanStopped(self.stop.reason)
        except BaseException:
            self.interrupt()
            thread.join(timeout=self.GRACE_S)
            raise
        if failure:
            raise failure[0]
        return outcome[0]

    def interrupt(self) -> None:
        """Tell the work to stop after its step and cancel the statement it runs now."""
        self.interrupted.set()
        connector = self.connector
        if connector is not None:
            try:
                connector.cancel()
            except Exception as exc:  # noqa: BLE001 - the run is closed whatever the driver says
                log.warning("cancelling the scan's query failed (%s)", type(exc).__name__)

    def check(self) -> None:
        """Called by the work between two steps: end it once interrupted."""
        if self.interrupted.is_set():
            raise ScanStopped(Text("its work was interrupted"))
