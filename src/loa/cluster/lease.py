"""Leases and results of jobs, in Redis: who is running a job, whether it finished, what failed.

A worker takes a job's lease (a key with a time to live) before it runs the job, and a heartbeat
thread renews it while the job runs. When the worker dies the lease lapses within `lease_seconds`;
the job is still marked started but is not done, and the sweeper (`abandoned`) sends it again. The
broker would redeliver it too, but only after its visibility timeout (an hour on Redis).

A Redis that restarts empty forgets every key: a build notices that its own mark (`remember`) is
gone and sends its unfinished jobs again, and a running job's heartbeat takes its lease back.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

log = logging.getLogger("loa.cluster")
DAY = 24 * 3600

# Take the lease and mark the job started in one step: a worker never dies between the two.
_TAKE = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    redis.call('set', KEYS[2], ARGV[1], 'EX', ARGV[3])
    return 1
end
return 0
"""
# Renew or hand over a lease only while it is still the one we know.
_SWAP = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
    return 1
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def holder() -> str:
    """Return who holds a lease taken by this process: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Ledger:
    """The Redis keys of one queue: leases, started marks, results and errors, by job key."""

    def __init__(self, client: redis.Redis, *, namespace: str, lease_seconds: float) -> None:
        self.redis = client
        self.namespace = namespace
        self.lease_ms = int(lease_seconds * 1000)
        self._take = client.register_script(_TAKE)
        self._swap = client.register_script(_SWAP)
        self._release = client.register_script(_RELEASE)

    def key(self, kind: str, job: str) -> str:
        return f"{self.namespace}:{kind}:{job}"

    @contextmanager
    def lease(self, job: str) -> Iterator[bool]:
        """Hold a job's lease while the block runs (renewed by a heartbeat); yield False if taken."""
        me = holder()
        if not (self._acquire(job, me) or self._take_from_the_dead(job, me)):
            yield False
            return
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job, me, stop), daemon=True)
        beat.start()
        try:
            yield True
        finally:
            stop.set()
            beat.join()
            self._release(keys=[self.key("lease", job)], args=[me])

    def abandoned(self, jobs: list[str]) -> list[str]:
        """Return the jobs that were started but whose lease has lapsed: their worker died."""
        pipe = self.redis.pipeline(transaction=True)
        for job in jobs:
            pipe.exists(self.key("started", job))
            pipe.exists(self.key("lease", job))
        found = pipe.execute()
        marks = zip(jobs, found[::2], found[1::2], strict=True)
        return [job for job, started, leased in marks if started and not leased]

    def remember(self, build: str) -> None:
        """Mark a build as waiting on its jobs: the mark is gone only if Redis lost its data."""
        self.redis.set(self.key("build", build), "waiting", ex=DAY)

    def remembers(self, build: str) -> bool:
        """Return False once Redis has forgotten a build (restarted empty): its jobs may be lost."""
        return bool(self.redis.exists(self.key("build", build)))

    def forget_build(self, build: str) -> None:
        self.redis.delete(self.key("build", build))

    def forget_start(self, job: str) -> None:
        """Clear a job's started mark before it is sent again."""
        self.redis.delete(self.key("started", job), self.key("error", job))

    def finish(self, job: str, result: dict[str, Any]) -> bool:
        """Record a job's result (the first one wins); return True if this was the first."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self.key("result", job), json.dumps(result, ensure_ascii=False), nx=True, ex=7 * DAY)
        pipe.incr(self.key("runs", job))
        pipe.expire(self.key("runs", job), 7 * DAY)
        pipe.delete(self.key("started", job))
        first = pipe.execute()[0]
        return bool(first)

    def result(self, job: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.key("result", job))
        return json.loads(raw) if raw else None

    def runs(self, job: str) -> int:
        """Return how many times a job ran to the end (1 when exactly once)."""
        return int(self.redis.get(self.key("runs", job)) or 0)

    def fail(self, job: str, message: str) -> None:
        """Record why a job cannot be done; the build stops with this message."""
        self.redis.set(self.key("error", job), message, ex=DAY)
        self.redis.delete(self.key("started", job))

    def errors(self, jobs: list[str]) -> dict[str, str]:
        """Return the recorded errors of some jobs."""
        if not jobs:
            return {}
        values = self.redis.mget([self.key("error", job) for job in jobs])
        return {job: str(v) for job, v in zip(jobs, values, strict=True) if v}

    def clear(self, job: str) -> None:
        """Forget everything about a job (before it is sent for a new build)."""
        self.redis.delete(*(self.key(kind, job) for kind in ("started", "error", "result")))

    def _acquire(self, job: str, me: str) -> bool:
        keys = [self.key("lease", job), self.key("started", job)]
        return bool(self._take(keys=keys, args=[me, self.lease_ms, DAY]))

    def _take_from_the_dead(self, job: str, me: str) -> bool:
        """Take over a lease held by a process of this machine that no longer exists.

        A worker child killed mid-job leaves its lease to lapse; the broker hands the job straight
        to a new child, which need not wait for that.
        """
        current = str(self.redis.get(self.key("lease", job)) or "")
        host, _, pid = current.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
            return False
        if not self._swap(keys=[self.key("lease", job)], args=[current, me, self.lease_ms]):
            return False
        self.redis.set(self.key("started", job), me, ex=DAY)
        log.warning("%s: took over the lease of %s, which is gone", job, current)
        return True

    def _heartbeat(self, job: str, me: str, stop: threading.Event) -> None:
        interval = self.lease_ms / 3000
        while not stop.wait(interval):
            try:
                if self._swap(keys=[self.key("lease", job)], args=[me, me, self.lease_ms]):
                    continue
                if self._acquire(job, me):  # Redis restarted empty: lease and started mark were gone
                    log.warning("%s: lease taken again after Redis lost it", job)
                    continue
                log.warning("%s: lease lost; another worker may run the job too", job)
                return
            except redis.RedisError as exc:  # keep trying: the lease lasts a while longer
                log.warning("%s: lease not renewed (%s)", job, exc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
