"""Execution backends: the same sweep run in this process, on local processes, or on dask.

Each backend maps a function over tasks and yields ``(task, ok, value)`` as tasks finish, in
any order, never holding more than a small window of tasks in flight (so the driver's memory
stays flat whatever the sweep's size). A task whose worker dies (a killed process, a lost dask
worker) is resubmitted; only after repeated losses is it reported with ``ok=False``. Errors
raised *by a run* are the runner's business: its task function catches them and returns them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

from sim.errors import UserError

BACKENDS = ("serial", "processes", "dask")
MAX_RESUBMITS = 3


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


class ProcessBackend(Backend):
    """A pool of local worker processes."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def imap_unordered(self, fn, tasks):
        window = 2 * self.workers
        tasks = iter(tasks)
        self._pool = self._pool or self._new_pool()
        in_flight: dict[Any, tuple[Any, int]] = {}  # future -> (task, resubmissions)
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < window:
                try:
                    task = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                in_flight[self._pool.submit(fn, task)] = (task, 0)
            if not in_flight:
                return
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            broken = []
            for fut in done:
                task, tries = in_flight.pop(fut)
                try:
                    value = fut.result()
                except BrokenProcessPool:
                    broken.append((task, tries))
                    continue
                except Exception as e:  # noqa: BLE001
                    yield task, False, f"{type(e).__name__}: {e}"
                    continue
                yield task, True, value
            if broken:  # a worker died: every task in flight is lost with the pool
                broken += list(in_flight.values())
                in_flight.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                for task, tries in broken:
                    if tries >= MAX_RESUBMITS:
                        yield task, False, "worker process died repeatedly while running this task"
                    else:
                        in_flight[self._pool.submit(fn, task)] = (task, tries + 1)


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
            try:
                self._client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise UserError(f"expected a running dask scheduler at {scheduler}; could not connect ({e})",
                                key="--scheduler") from None
        else:
            n = workers or default_workers()
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=":0", silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        self.scheduler = self._client.scheduler.address
        self.workers = workers or max(1, sum(self._client.nthreads().values()))

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

    def imap_unordered(self, fn, tasks):
        from dask.distributed import as_completed

        window = 2 * max(self.workers, sum(self._client.nthreads().values()) or 1)
        tasks = iter(tasks)
        meta: dict[str, tuple[Any, int]] = {}
        pending = as_completed(loop=self._client.loop)

        def submit(task, tries):
            fut = self._client.submit(fn, task, pure=False)
            meta[fut.key] = (task, tries)
            pending.add(fut)

        for task in tasks:
            submit(task, 0)
            if len(meta) >= window:
                break
        if not meta:
            return
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
            nxt = next(tasks, None)
            if nxt is not None:
                submit(nxt, 0)


def make_backend(name: str = "processes", workers: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend called ``name`` (serial, processes, dask)."""
    if workers is not None and workers < 1:
        raise UserError(f"expected a number of workers of at least 1; found {workers}", key="--workers")
    if scheduler and name != "dask":
        raise UserError("--scheduler needs --backend dask", key="--scheduler")
    if name == "serial":
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers)
    if name == "dask":
        return DaskBackend(workers, scheduler)
    raise UserError(f"unknown backend '{name}'; expected one of: {', '.join(BACKENDS)}", key="--backend")
