"""Run the ASGI app under uvicorn for `genui serve`, one listening socket per worker process.

uvicorn's supervisor binds one socket and shares it between its workers. Under a burst of keep-alive
connections the first uvloop worker to wake accepts nearly all of them and keeps them (measured with
`bench/gateway.sh` at concurrency 64: one of two workers at 100% CPU, the other idle). With Linux's
`SO_REUSEPORT` each worker listens on a socket of its own, and the kernel spreads new connections over the
sockets by the hash of their addresses. A supervisor-restarted worker binds its own socket in turn; the
parent holds none, so no connection ever waits on the socket of a dead worker.

Metrics: each server start gets a fresh Prometheus multiprocess directory (`PROMETHEUS_MULTIPROC_DIR`, set
before any worker starts, so every worker writes its metrics there and /metrics sums them); a worker that
exits is marked dead there, and the directory is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from typing import Any, cast

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

APP = "genui.api.app:create_app"


def reuse_port_supported() -> bool:
    """Only Linux balances connections between sockets that share a port (BSDs and macOS do not)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class WorkerSocket:
    """Stands in for the list of sockets uvicorn hands each worker: it pickles as an address only, and the
    worker that iterates it binds its own `SO_REUSEPORT` socket there (once)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None

    def __reduce__(self) -> tuple[type[WorkerSocket], tuple[str, int]]:
        return WorkerSocket, (self.host, self.port)

    def _socket(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = bind_reuse_port(self.host, self.port)
            except OSError as exc:
                print(f"genui worker: cannot listen on {self.host}:{self.port}: {exc}", file=sys.stderr)
                sys.exit(STARTUP_FAILURE)  # the supervisor stops instead of restarting this worker forever
        return self._sock

    def __iter__(self) -> Iterator[socket.socket]:
        return iter((self._socket(),))

    def __len__(self) -> int:
        return 1


# prometheus_client reads it when first imported: set before the app (or anything) imports prometheus_client.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def metrics_directory() -> Iterator[str]:
    """A fresh Prometheus multiprocess directory for this server start (the workers inherit the environment
    variable), removed at the end with what the workers wrote."""
    path = tempfile.mkdtemp(prefix="genui-metrics-")
    previous = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = path
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(path, ignore_errors=True)


def mark_dead(pid: int | None, path: str) -> None:
    """Tell Prometheus a worker is gone (its live gauges stop counting; its counters keep adding up)."""
    if pid is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]


class Supervisor(Multiprocess):
    """uvicorn's supervisor, marking each worker that exits dead in the metrics directory."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], metrics_dir: str) -> None:
        super().__init__(config, sockets)
        self.metrics_dir = metrics_dir

    def keep_subprocess_alive(self) -> None:
        before = {process.pid for process in self.processes}
        super().keep_subprocess_alive()
        for pid in before - {process.pid for process in self.processes}:
            mark_dead(pid, self.metrics_dir)

    def join_all(self) -> None:
        super().join_all()
        for process in self.processes:
            mark_dead(process.pid, self.metrics_dir)


def run(host: str, port: int, workers: int, **options: Any) -> None:
    """Serve the app factory until interrupted; `options` are uvicorn.Config's."""
    with metrics_directory() as metrics_dir:
        if workers <= 1 or port == 0 or not reuse_port_supported():  # port 0: the workers share one socket
            try:
                uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)
            finally:
                mark_dead(os.getpid(), metrics_dir)
            return
        try:
            bind_reuse_port(host, port).close()  # fail here, once and clearly, when the address is taken
        except OSError as exc:
            raise SystemExit(f"genui: cannot listen on {host}:{port}: {exc}") from None
        config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, **options)
        sockets = cast(list[socket.socket], WorkerSocket(host, port))
        with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is the way to stop
            Supervisor(config, sockets, metrics_dir).run()
