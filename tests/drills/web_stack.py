"""The documented web deployment, started on loopback for tests, drills and load tests.

`fresh_database` makes (and drops) a database on a PostgreSQL server; `PrivatePostgres` and
`PrivateRedis` are servers of our own in a temporary folder, so a drill may restart them without
touching the machine's; `web_server` runs `loa web serve` (gunicorn) and stops it, always.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

LOA = str(Path(sys.executable).with_name("loa"))
PASSWORD = "mat-khau-thu-nghiem-2026"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_problem(server_url: str) -> str | None:
    """None when a PostgreSQL server answers at `server_url` (without a database name)."""
    import psycopg

    try:
        psycopg.connect(_psycopg(server_url, "postgres"), connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {server_url} is unreachable: {str(exc).strip()}"
    return None


def redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    return None


def _psycopg(server_url: str, database: str) -> str:
    return server_url.replace("postgres://", "postgresql://", 1).rstrip("/") + f"/{database}"


@contextlib.contextmanager
def fresh_database(server_url: str = DEFAULT_POSTGRES, *, prefix: str = "loa_test") -> Iterator[str]:
    """Create an empty database on the server, yield its DATABASE_URL, and drop it afterwards."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(_psycopg(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url.rstrip('/')}/{name}"
    finally:
        with psycopg.connect(_psycopg(server_url, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_bin(program: str) -> str:
    found = shutil.which(program) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))), None
    )
    if not found:
        raise FileNotFoundError(f"{program} (PostgreSQL server binaries: apt-get install postgresql)")
    return found


class PrivatePostgres:
    """A PostgreSQL server of our own (initdb in a temporary folder, a free port, no fsync)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="loa-drill-pg-"))
        self.port = free_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # postgres refuses root
        if self._as:
            shutil.chown(self.folder, "postgres")
        self._run(_postgres_bin("initdb"), "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.folder / "data"), "-o", options, "-l", log, "-w", "start"
        )

    def stop(self, *, mode: str = "fast") -> None:
        """Stop the server: `fast` ends sessions cleanly, `immediate` is a crash (recovery at start)."""
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A Redis server of our own on a free port, keeping nothing on disk (a restart empties it)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        program = shutil.which("redis-server")
        if not program:
            raise FileNotFoundError("redis-server (apt-get install redis-server)")
        command = [
            program,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while redis_problem(self.url) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    close = stop


def web_env(*, data_dir: Path, database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of docs/deployment.md, for a server on loopback."""
    env = {
        **os.environ,
        "LOA_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "LOA_SECRET_KEY": secrets.token_urlsafe(50),
        "LOA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOA_HTTPS": "1",
        "LOA_TRUSTED_PROXIES": "127.0.0.1",
        "LOA_QUIZ_CORS_ORIGINS": "https://portal.example.gov.vn",
        "DJANGO_SETTINGS_MODULE": "loa.web.settings",
        **extra,
    }
    env.pop("LOA_DEBUG", None)
    if redis_url:
        env["LOA_REDIS_URL"] = redis_url
    else:
        env.pop("LOA_REDIS_URL", None)
    return env


def loa(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run `loa …` and return its output; a failure raises with the output in the message."""
    done = subprocess.run([LOA, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"loa {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str]) -> None:
    """The deployment's first steps: apply migrations; here also demo units and users to sign in with."""
    loa("web", "migrate", "--noinput", env=env)
    loa("web", "demo", "--password", PASSWORD, "--pack", "", "--no-next-step", env=env)


@dataclass
class WebServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (user + system, from /proc), counting
        workers that have been recycled: the master's children's times keep theirs."""
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
                if pid == self.process.pid:
                    total += int(fields[13]) + int(fields[14])  # cutime, cstime: reaped workers
        return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def web_server(
    env: dict[str, str], *, workers: int, threads: int | None = None, ready_within: float = 40
) -> Iterator[WebServer]:
    """Run `loa web serve --workers N` on a free loopback port until the block ends; stop it always."""
    port = free_port()
    log = Path(env["LOA_DATA_DIR"]) / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [LOA, "web", "serve", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads is not None:  # else the deployment's default (loa.web.gunicorn_conf)
        command += ["--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = WebServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_live(server, ready_within)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's master: workers finish their request and stop
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_live(server: WebServer, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"loa web serve stopped:\n{server.log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"loa web serve did not answer in {within:.0f} s:\n{server.log.read_text()[-3000:]}")
