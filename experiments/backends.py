"""Execution backends: the same sweep run in this process, on local processes, or on dask.

Each backend maps a function over tasks and yields ``(task, ok, value)`` as tasks finish, in
any order, never holding more than a small window of tasks in flight (so the driver's memory
stays flat whatever the sweep's size). A task whose worker dies (a killed process, a lost dask
worker) is resubmitted; only a task that keeps losing its worker is reported with ``ok=False``
(local processes: only a task whose worker died while it ran alone; see :class:`ProcessBackend`).
Errors raised *by a run* are the runner's business: its task function catches them and returns them.
"""

from __future__ import annotations

import logging
import multiprocessing
import numbers
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

from sim.errors import UserError

BACKENDS = ("serial", "processes", "dask")
MAX_RESUBMITS = 3      # dask: resubmissions of a task lost with its worker
MAX_DEATHS_ALONE = 2   # processes: deaths of a worker running a task alone before the task is reported
NO_WORKER_WARNING = 10.0   # dask: seconds without any worker before the sweep says it is waiting
MAX_WORKERS = 10_000   # more is a mistake (10**30 overflowed the process pool's C int)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


class Backend:
    """Runs tasks somewhere; subclasses say where. Use as a context manager."""

    name = "backend"
    workers = 1

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def imap_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[Any, bool, Any]]:
        raise NotImplementedError


class SerialBackend(Backend):
    """Every task in this process, one after the other (debugging, tiny sweeps)."""

    name = "serial"

    def imap_unordered(self, fn, tasks):
        for task in tasks:
            try:
                yield task, True, fn(task)
            except Exception as e:  # noqa: BLE001 - reported, never stops the sweep
                yield task, False, f"{type(e).__name__}: {e}"


def _context():
    """``fork`` on Linux when this process has no other thread (workers start at once, without
    importing anything again); ``spawn`` otherwise (macOS, Windows, notebooks), which is always safe."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_NO_WORKER_STARTED = (
    "expected worker processes to start; every one stopped before it could run anything (start method "
    "'{method}', their own error is printed above). A worker started by 'spawn' (macOS, Windows, a "
    "program with threads) imports the main script again: in a script, call the sweep under "
    "`if __name__ == \"__main__\":` (or use the serial backend)")


def _worker_start(driver_pid: int, started) -> None:
    """In each worker process: count itself in ``started`` (a worker got this far), let go of the
    driver's folder lock (a forked worker inherits it), and exit once the driver is gone, so that a
    killed driver leaves no worker running and no folder locked."""
    from .storage import release_inherited_locks

    with started.get_lock():
        started.value += 1
    release_inherited_locks()
    # Ctrl-C reaches every process of the terminal's group. The driver says what is kept; a worker
    # leaves at once and quietly (no traceback, and no waiting for its batch: it is lost, as with any
    # dead worker, and run on resume).
    signal.signal(signal.SIGINT, lambda *_: os._exit(1))
    # SIGTERM (a cluster's time limit reaches every process of the job) ends a worker at once; a forked
    # worker would otherwise raise the driver's Terminated in the middle of a run.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def exit_with_the_driver() -> None:
        while os.getppid() == driver_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=exit_with_the_driver, name="exit-with-driver", daemon=True).start()


class ProcessBackend(Backend):
    """A pool of local worker processes.

    When a worker process dies (killed, out of memory, a crash in native code), the pool breaks and
    every task in flight is lost with it, whichever task was to blame. Finished results are still
    yielded; a new pool is started (by the same start method) and the lost tasks become *suspects*,
    rerun one at a time, each alone in the pool, so that a death can be blamed on the one task that
    was running. Only a task whose worker died while it ran alone is charged; after
    ``MAX_DEATHS_ALONE`` such deaths it is reported with ``ok=False``. The others go on as usual.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._ctx = None  # chosen once: a replacement pool starts its workers the same way
        self._started = None  # how many worker processes of the current pool got as far as _worker_start
        self._in_flight: dict[Future, Any] = {}

    def start_method(self) -> str:
        """How the workers start: ``"fork"`` or ``"spawn"`` (:func:`_context`; a notebook's kernel,
        which runs threads, gets ``"spawn"``), fixed once the first pool has started."""
        return (self._ctx or _context()).get_start_method()

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._ctx is None:
            self._ctx = _context()
        if self._started is None:
            self._started = self._ctx.Value("i", 0)
        self._started.value = 0   # the previous pool is shut down: none of its workers is left to count
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx,
                                   initializer=_worker_start, initargs=(os.getpid(), self._started))

    def _replace_pool(self) -> None:
        """Drop a broken pool (its workers are already gone) and start a new one; stop the sweep if
        none of the broken pool's workers ever started (every new one would die the same way, task
        after task: the main script cannot be imported again, or no longer can)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._started is not None and self._started.value == 0:
            raise UserError(_NO_WORKER_STARTED.format(method=self._ctx.get_start_method()), key="--backend")
        self._pool = self._new_pool()

    def close(self) -> None:
        """Stop the workers. A sweep stopped with tasks still running (Ctrl-C, SIGTERM, an error) does
        not wait for them: their runs are lost, as with a dead worker, and run again on resume."""
        if self._pool is not None:
            if any(not fut.done() for fut in self._in_flight):
                for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                    process.kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def imap_unordered(self, fn, tasks):
        window = 2 * self.workers
        fresh = iter(tasks)
        suspects: deque[tuple[Any, int]] = deque()  # (task, deaths alone) lost with a broken pool
        in_flight: dict[Future, tuple[Any, int]] = {}
        self._in_flight = in_flight   # what close() would cut short
        self._pool = self._pool or self._new_pool()
        while True:
            if suspects:  # one suspect at a time, alone in the pool
                if not in_flight:
                    self._submit(fn, *suspects.popleft(), in_flight, suspects)
            else:
                while len(in_flight) < window and not suspects:
                    task = next(fresh, _END)
                    if task is _END:
                        break
                    self._submit(fn, task, 0, in_flight, suspects)
            if not in_flight:
                if suspects:
                    continue
                return
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            if any(isinstance(fut.exception(), BrokenProcessPool) for fut in done):
                yield from self._after_break(in_flight, suspects)
                continue
            for fut in done:
                task, _deaths = in_flight.pop(fut)
                yield _outcome(task, fut)

    def _submit(self, fn, task, deaths: int, in_flight: dict, suspects: deque) -> None:
        """Submit ``task``; if the pool is already broken, queue it as a suspect (it never started).

        With tasks in flight, the next wait sees the break and replaces the pool; with none, it is
        replaced here.
        """
        try:
            in_flight[self._pool.submit(fn, task)] = (task, deaths)
        except BrokenProcessPool:
            suspects.appendleft((task, deaths))
            if not in_flight:
                self._replace_pool()

    def _after_break(self, in_flight: dict, suspects: deque) -> Iterator[tuple[Any, bool, Any]]:
        """Yield what finished before the pool broke, queue what was lost, and start a new pool."""
        wait(list(in_flight))  # a broken pool fails every pending future at once
        alone = len(in_flight) == 1
        for fut, (task, deaths) in list(in_flight.items()):
            if not isinstance(fut.exception(), BrokenProcessPool):
                yield _outcome(task, fut)
            elif not alone:
                suspects.append((task, deaths))
            elif deaths + 1 >= MAX_DEATHS_ALONE:
                yield task, False, (f"the worker process died while running this task alone "
                                    f"({deaths + 1} times): a crash, a kill or running out of memory")
            else:
                suspects.appendleft((task, deaths + 1))
        in_flight.clear()
        self._replace_pool()


_END = object()


def _outcome(task, fut: Future) -> tuple[Any, bool, Any]:
    """``(task, ok, value)`` of a finished future whose pool is intact."""
    try:
        return task, True, fut.result()
    except Exception as e:  # noqa: BLE001 - reported, never stops the sweep
        return task, False, f"{type(e).__name__}: {e}"


def dask_setup(worker) -> None:
    """Dask's preload hook, run in each worker process of the LocalCluster a sweep starts: Ctrl-C
    reaches every process of the terminal's group, and a cluster job's time limit sends SIGTERM to
    every process of the job. The driver alone should take either (it says what is kept and closes
    the cluster, which stops its workers through their nanny, by SIGKILL if need be); a worker
    stopping on its own would leave tracebacks from dask's broken connections."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


CONNECT_TIMEOUT = 20.0   # seconds to reach a dask scheduler given by address (--scheduler)


def _connect(Client, scheduler: str):
    """A client of the dask scheduler at ``scheduler``, or one :class:`UserError` within about
    :data:`CONNECT_TIMEOUT` seconds.

    Dask's own ``timeout`` covers opening the connection, not the handshake that follows, and what it
    raises depends on what answers: a port where something else listens (the scheduler's dashboard,
    ``http://host:8787``) never replies, and dask waits for ever; a dask worker's address or another
    service raises a TypeError or a MemoryError (a reply read as a message length); ``tls://`` without
    TLS settings a TypeError. So the client is made in a thread of its own, waited for at most that long.
    """
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
        except BaseException as e:  # noqa: BLE001 - reported below, in the caller's thread
            box["error"] = e

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    waited = CONNECT_TIMEOUT + 5   # after dask's own timeout, which says more when nothing listens
    thread.join(waited)
    e = box.get("error")
    if "client" in box:
        return box["client"]
    if thread.is_alive():
        raise UserError(f"expected a dask scheduler at {scheduler}; found something that accepts connections but "
                        f"did not answer as one within {waited:.0f} s (the dashboard's port? 'dask "
                        "scheduler' prints the address to use as 'Scheduler at: tcp://host:8786')", key="--scheduler")
    if isinstance(e, ValueError):   # not an address: "missing port number in address 'x'"
        raise UserError(f"expected a scheduler address such as tcp://host:8786; found '{scheduler}' ({e})",
                        key="--scheduler") from None
    if isinstance(e, (OSError, TimeoutError)):
        raise UserError(f"expected a running dask scheduler at {scheduler}; could not connect ({e})",
                        key="--scheduler") from None
    if isinstance(e, Exception):    # something else answered, or a protocol dask cannot use as set up
        first = str(e).splitlines()[0] if str(e) else ""
        raise UserError(f"expected a dask scheduler at {scheduler}; could not use it as one ({type(e).__name__}"
                        f"{': ' + first if first else ''}): is it the address 'dask scheduler' prints as "
                        "'Scheduler at:'?", key="--scheduler") from None
    raise e   # KeyboardInterrupt, SystemExit


class DaskBackend(Backend):
    """A ``dask.distributed`` cluster: an existing one at ``scheduler`` or a new LocalCluster.

    Dask moves the tasks of a lost worker to the others by itself; a task that still fails with
    a lost worker (``KilledWorker``) is resubmitted a few times before being reported.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency
            raise UserError("the dask backend needs 'dask[distributed]' (pip install 'dask[distributed]')") from None
        self._cluster = None
        if scheduler:
            self._client = _connect(Client, scheduler)
        else:
            n = workers or default_workers()
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, preload=[__name__],
                                         dashboard_address=":0", silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        self.scheduler = self._client.scheduler.address
        self.workers = workers or max(1, sum(self._client.nthreads().values()))
        self._hint = workers or 0  # workers the caller expects (they may not have joined yet)
        self._window, self._window_checked = 2, float("-inf")

    @property
    def client(self):
        return self._client

    def describe(self) -> str:
        where = "LocalCluster" if self._cluster is not None else self.scheduler
        return f"dask ({where}, {self.workers} worker{'s' if self.workers != 1 else ''})"

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def window(self) -> int:
        """Tasks to keep in flight: twice the cluster's threads *now* (or the workers asked for), at least 2.

        Asked again as the sweep runs (at most once a second), so that workers joining later
        (``cluster.adapt``, ``dask worker`` started after the sweep) get work at once.
        """
        now = time.monotonic()
        if now - self._window_checked >= 1.0:
            self._window_checked = now
            self._window = max(2, 2 * max(self._hint, sum(self._client.nthreads().values())))
        return self._window

    def imap_unordered(self, fn, tasks):
        from dask.distributed import as_completed

        tasks = iter(tasks)
        meta: dict[str, tuple[Any, int]] = {}
        pending = as_completed(loop=self._client.loop)

        def submit(task, tries):
            fut = self._client.submit(fn, task, pure=False)
            meta[fut.key] = (task, tries)
            pending.add(fut)

        def fill():
            while len(meta) < self.window():
                task = next(tasks, _END)
                if task is _END:
                    return
                submit(task, 0)

        fill()
        stop = threading.Event()
        threading.Thread(target=self._say_when_no_worker, args=(stop,), name="dask-no-worker", daemon=True).start()
        try:
            yield from self._results(pending, meta, submit, fill)
        finally:
            stop.set()

    def _say_when_no_worker(self, stop: threading.Event) -> None:
        """Warn once the cluster has had no worker for :data:`NO_WORKER_WARNING` seconds (all of them
        died, or none has started yet): the sweep waits for workers to join, which it would otherwise
        do without a word. Said again if workers come and all go again."""
        since, warned = None, False   # since when no worker is connected; whether that was said
        while not stop.wait(0.5):
            try:
                workers = len(self._client.nthreads())
            except Exception:  # noqa: BLE001 - the client closing: the sweep is ending anyway
                return
            if workers:
                since, warned = None, False
            elif since is None:
                since = time.monotonic()
            elif not warned and time.monotonic() - since >= NO_WORKER_WARNING:
                warned = True
                warnings.warn(f"no dask worker is connected to the scheduler at {self.scheduler} (for "
                              f"{NO_WORKER_WARNING:.0f} s): the sweep waits for workers to join (dask worker "
                              f"{self.scheduler}); Ctrl-C stops it, keeping the finished runs", stacklevel=1)

    def _results(self, pending, meta, submit, fill):
        for fut in pending:
            task, tries = meta.pop(fut.key)
            try:
                value = fut.result()
                ok = True
            except Exception as e:  # noqa: BLE001 - KilledWorker, lost connections
                value, ok = f"{type(e).__name__}: {e}", False
            fut.release()
            if not ok and tries < MAX_RESUBMITS:
                submit(task, tries + 1)
                continue
            yield task, ok, value
            fill()


def check_workers(workers: int | None) -> None:
    """Refuse a number of workers (``--workers``) outside 1 to :data:`MAX_WORKERS`; None means all cores."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, numbers.Integral)
                                or not 1 <= workers <= MAX_WORKERS):
        raise UserError(f"expected a number of workers from 1 to {MAX_WORKERS:,}; found {workers!r}", key="--workers")


def make_backend(name: str = "processes", workers: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend called ``name`` (serial, processes, dask)."""
    check_workers(workers)
    if scheduler and name != "dask":
        raise UserError("--scheduler needs --backend dask", key="--scheduler")
    if name == "serial":
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers)
    if name == "dask":
        return DaskBackend(workers, scheduler)
    raise UserError(f"unknown backend '{name}'; expected one of: {', '.join(BACKENDS)}", key="--backend")
