"""PostgreSQL and Redis for the Celery stack: Debian's servers, each on a free loopback port in a temporary data
dir, installed with apt when missing and stopped (and their data dirs removed) on exit.

* :func:`ensure_debian_packages` installs ``postgresql`` / ``redis-server`` with apt (as root, like CI; the
  Makefile's ``fullstack-celery`` target does the same before pytest starts).
* :func:`postgres_server` runs ``initdb`` + ``postgres`` (as the ``postgres`` user when this process is root:
  PostgreSQL refuses to run as root) with trust auth on 127.0.0.1 only, no Unix socket, fsync off (a throw-away
  DB), and creates the ``airflow`` database; yields its SQLAlchemy URL.
* :func:`redis_server` runs ``redis-server`` on 127.0.0.1 without persistence; yields its URL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.fullstack.stack import free_port, wait_until

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
REDIS_SERVER = "/usr/bin/redis-server"
PACKAGES = {"postgresql": lambda: pg_bin() is not None, "redis-server": lambda: Path(REDIS_SERVER).exists()}


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout), or None."""
    found = sorted(glob.glob(PG_BIN_GLOB), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                   else 0)
    return Path(found[-1]) if found and (Path(found[-1]) / "postgres").exists() else None


def ensure_debian_packages() -> None:
    """``apt-get install`` the missing ones of ``postgresql`` and ``redis-server`` (root only).

    :raises RuntimeError: when one is missing and cannot be installed.
    """
    missing = [name for name, present in PACKAGES.items() if not present()]
    if not missing:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"missing Debian packages {missing}: run `apt-get install -y {' '.join(missing)}` as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env,
                   timeout=900)
    still = [name for name, present in PACKAGES.items() if not present()]
    if still:
        raise RuntimeError(f"apt-get install did not provide {still}")


def _db_user() -> dict[str, str]:
    """``subprocess`` arguments that run PostgreSQL's programs as ``postgres`` when we are root (it refuses root)."""
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


def _stop(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGINT (PostgreSQL's fast shutdown; Redis exits on it too), then SIGKILL what is left of its group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL on a free loopback port; yields ``postgresql+psycopg2://...`` for ``airflow``."""
    ensure_debian_packages()
    bindir = pg_bin()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="fullstack-pg-"))
    root.chmod(0o755)  # the postgres user must reach its data dir inside
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8"], check=True, capture_output=True, timeout=180, cwd=root, **_db_user())
        with open(root / "postgres.log", "ab") as out:
            proc = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", "",
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=300", "-c", "shared_buffers=64MB"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, cwd=root,
                **_db_user())

        def ready() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"postgres exited: {(root / 'postgres.log').read_text()[-2000:]}")
            return subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                  capture_output=True, timeout=30).returncode == 0

        wait_until(ready, timeout=60, what="postgres accepting connections")
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "airflow"],
                       check=True, capture_output=True, timeout=60)
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/airflow"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away Redis on a free loopback port (no persistence); yields ``redis://127.0.0.1:PORT/0``."""
    ensure_debian_packages()
    root = Path(tempfile.mkdtemp(prefix="fullstack-redis-"))
    port = free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        with open(root / "redis.log", "ab") as out:
            proc = subprocess.Popen(
                [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(root), "--daemonize", "no", "--protected-mode", "yes"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, cwd=root)

        def ready() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(root / 'redis.log').read_text()[-2000:]}")
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_until(ready, timeout=30, what="redis answering PING")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)
