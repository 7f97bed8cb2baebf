"""Run rendering jobs: inline for small builds, on a local process pool for large ones, or on Celery
workers (`loa.cluster`) when the settings say `executor: celery`. Every executor takes the same jobs
with their input hashes and yields each job's artifacts."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import itertools
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from loa import model as m
from loa.errors import BuildError, ConfigError, LoaError
from loa.renderers.base import Artifact, Job, Renderer, load_renderer
from loa.writer import keep_in

if TYPE_CHECKING:
    from loa.config import Settings

CLUSTER_MISSING = "chưa cài Celery và redis-py — cài bằng: pip install 'loa[cluster]'"
POOL_THRESHOLD = 24
"""Below this many jobs, starting worker processes costs more than it saves."""
WORKER_LOST = (
    "một tiến trình dựng sản phẩm đã dừng đột ngột (hết bộ nhớ, bị tắt, hoặc một script gọi "
    'loa.build.build() mà không đặt trong `if __name__ == "__main__":`) — '
    "chưa ghi gì vào thư mục đích; hãy chạy lại"
)
TRIM_ABOVE = 512 * 2**20
"""A worker process holding more memory than this gives back what its last job freed."""

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

_worker_campaign: m.Campaign | None = None
_worker_renderers: dict[str, Renderer] = {}
_shared: object = None
"""What `map_in_processes` gave this worker process once."""


class Executor(Protocol):
    """Runs a build's jobs; `keys` are their input hashes (what the output of each depends on)."""

    def run(
        self, campaign: m.Campaign, jobs: list[Job], keys: list[str], *, staging: Path | None = None
    ) -> Iterator[tuple[int, list[Artifact]]]:
        """Yield (index, artifacts) for each job, in completion order. `staging` is the build's
        staging folder on this machine, where the executor may write each product at its place
        (as `loa.writer.keep_in` does) instead of handing its bytes back."""
        ...


class LocalExecutor:
    """This machine: inline for small builds, a pool of spawned processes for large ones."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers

    def run(
        self, campaign: m.Campaign, jobs: list[Job], keys: list[str], *, staging: Path | None = None
    ) -> Iterator[tuple[int, list[Artifact]]]:
        return run_jobs(campaign, jobs, workers=self.workers, staging=staging)


def executor_for(settings: Settings, *, workers: int = 0) -> Executor:
    """Return the executor the settings choose: local, or Celery workers."""
    if settings.executor == "celery":
        try:
            from loa.cluster.executor import CeleryExecutor  # Celery loads only when chosen
        except ImportError as exc:
            raise ConfigError(f"LOA_EXECUTOR=celery: {CLUSTER_MISSING} (thiếu {exc.name})") from None
        return CeleryExecutor(settings)
    return LocalExecutor(workers or settings.workers)


def default_workers() -> int:
    """Return the worker count: one per core, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def run_jobs(
    campaign: m.Campaign, jobs: list[Job], *, workers: int = 0, staging: Path | None = None
) -> Iterator[tuple[int, list[Artifact]]]:
    """Yield (index, artifacts) for each job, in completion order. With `staging`, worker processes
    write each product at its place there themselves and send back only its file's name: the bytes of
    a co-branded build (gigabytes) never go through the pipe nor wait in this process's memory."""
    workers = workers or default_workers()
    if workers == 1 or len(jobs) < POOL_THRESHOLD:
        renderers = {name: load_renderer(name)() for name in {job.renderer for job in jobs}}
        for index, job in enumerate(jobs):
            yield index, render_one(renderers[job.renderer], campaign, job)
        return
    chunks = _chunks(jobs, workers)
    with _spawned_pool(workers, _init_worker, campaign) as pool, _without_cycle_collection():
        # as_completed lets go of each future once it is yielded: a finished batch's bytes are freed
        # as soon as the build has put them on disk, not kept until the last batch is done.
        for future in as_completed(
            [pool.submit(_render_chunk, [(i, jobs[i]) for i in chunk], staging) for chunk in chunks]
        ):
            yield from future.result()


def _chunks(jobs: list[Job], workers: int) -> list[list[int]]:
    """Return the jobs' indexes in the groups sent to worker processes.

    A co-branded build's jobs are a batch of units for one topic each: a batch's jobs, for every
    topic and renderer, go to one worker together, so the units' names and contact lines are drawn
    and compressed once, and their QR codes made once for posters and cards (kept per process), not
    once by each worker. Other jobs are dealt round-robin in a few groups per worker."""
    if not any(job.units for job in jobs):
        parts = workers * 4
        return [list(range(i, len(jobs), parts)) for i in range(parts) if i < len(jobs)]
    groups: dict[tuple[str, ...] | int, list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault(job.units or index, []).append(index)
    return list(groups.values())


def map_in_processes(
    function: Callable[[Shared, Item], Result], shared: Shared, items: list[Item], *, workers: int
) -> Iterator[Result]:
    """Yield `function(shared, item)` for every item, in order, from `workers` spawned processes.

    `shared` goes to each process once; `function` must be importable (a module's function)."""
    with _spawned_pool(workers, _keep_shared, shared) as pool:
        chunk = max(1, min(16, len(items) // (workers * 8)))
        yield from pool.map(_with_shared, itertools.repeat(function), items, chunksize=chunk)


@contextmanager
def _spawned_pool(
    workers: int, initializer: Callable[[Any], None], shared: object
) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` spawned processes (no fork: renderers hold native threads), each given
    `shared` once by `initializer`; a process lost midway becomes a BuildError.

    `shared` goes through a file, not the new processes' start-up pipe: CPython writes a process's
    arguments to that pipe while holding its read end itself, so with arguments larger than the pipe's
    buffer (a campaign with its units) a process that dies while starting would leave the build waiting
    forever, where a small payload lets the pool see the death and stop."""
    with tempfile.NamedTemporaryFile(prefix="loa-workers-", suffix=".pickle", delete=False) as handle:
        pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_load_shared, initargs=(initializer, handle.name)
        ) as pool:
            try:
                yield pool
            except BrokenProcessPool as exc:
                raise BuildError(WORKER_LOST) from exc
    finally:
        os.unlink(handle.name)


def _load_shared(initializer: Callable[[Any], None], path: str) -> None:
    with open(path, "rb") as handle:
        initializer(pickle.load(handle))


def _keep_shared(shared: object) -> None:
    global _shared
    _shared = shared


def _with_shared(function: Callable[[Any, Item], Result], item: Item) -> Result:
    return function(_shared, item)


def _init_worker(campaign: m.Campaign) -> None:
    global _worker_campaign, _worker_renderers
    _worker_campaign = campaign
    _worker_renderers = {}
    gc.freeze()  # the campaign (with thousands of units) lives as long as the process: not scanned again


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Leave the cycle collector off while a pool's results come in: they are artifacts and lists,
    freed by their counts, and a co-branded build's hundreds of thousands made full collections scan
    the growing heap again and again (a fifth of the collecting process's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _render_chunk(chunk: list[tuple[int, Job]], staging: Path | None) -> list[tuple[int, list[Artifact]]]:
    assert _worker_campaign is not None
    done = []
    for i, job in chunk:
        if job.renderer not in _worker_renderers:
            _worker_renderers[job.renderer] = load_renderer(job.renderer)()
        artifacts = render_one(_worker_renderers[job.renderer], _worker_campaign, job)
        if staging is not None:
            artifacts = [keep_in(staging, a).by_reference() for a in artifacts]
        done.append((i, artifacts))
        _give_back_memory()
    return done


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):
        return None  # not glibc: nothing to do


def _give_back_memory() -> None:
    """Return freed memory to the system once a worker holds more than `TRIM_ABOVE`. glibc keeps
    freed heap pages for reuse, and a co-branded batch's pictures leave it holding ~1 GB per worker
    process; trimming after every job would cost more page faults than it saves."""
    trim = _malloc_trim()
    if trim is not None and _resident() > TRIM_ABOVE:
        trim(0)


def _resident() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def render_one(renderer: Renderer, campaign: m.Campaign, job: Job) -> list[Artifact]:
    """Render one job; a renderer's bug becomes a BuildError naming the job."""
    try:
        return renderer.render(campaign, job)
    except LoaError:
        raise
    except Exception as exc:  # a renderer bug: name the job, keep the previous output
        raise BuildError(f"{job.key}: không tạo được sản phẩm ({type(exc).__name__}: {exc})") from exc
