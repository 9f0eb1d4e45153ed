"""`genui serve` workers each listen on their own SO_REUSEPORT socket (genui.server)."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from genui import server
from support import ServeProcess, free_port

pytestmark = pytest.mark.skipif(not server.reuse_port_supported(), reason="SO_REUSEPORT balancing is Linux's")


def test_worker_socket_pickles_as_an_address_and_binds_where_it_is_iterated() -> None:
    port = free_port()
    stand_in = server.WorkerSocket("127.0.0.1", port)
    copy = pickle.loads(pickle.dumps(stand_in))
    assert stand_in._sock is None  # pickling bound nothing in the parent
    with next(iter(copy)) as first, next(iter(pickle.loads(pickle.dumps(stand_in)))) as second:
        assert list(copy) == [first]  # bound once per copy, then the same socket
        assert first.getsockname() == second.getsockname() == ("127.0.0.1", port)  # one port, two sockets


def test_a_taken_address_is_a_clear_error_before_any_worker_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit, match=f"cannot listen on 127.0.0.1:{port}"):
            server.run("127.0.0.1", port, 2)


def _listening_inodes(port: int) -> set[str]:
    """Inodes of the TCP sockets listening on `port` (/proc/net/tcp: state 0A is LISTEN)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
            inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _workers(pid: int) -> list[int]:
    """The supervisor's worker processes (its spawned children, not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if "multiprocessing.spawn" in Path(f"/proc/{c}/cmdline").read_text()]


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[ServeProcess]:
    config = tmp_path / "genui.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\nlog_level = "warning"\n')
    proc = ServeProcess("--workers", "2", "--no-auth", "--config", str(config)).wait_ready()
    yield proc
    proc.stop()


def _wait_for(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.slow
def test_each_worker_listens_on_its_own_socket_and_a_restarted_one_too(two_workers: ServeProcess) -> None:
    port = int(two_workers.url.rsplit(":", 1)[1])
    pid = two_workers.proc.pid
    _wait_for(lambda: len(_workers(pid)) == 2 and len(_listening_inodes(port)) == 2)
    workers = _workers(pid)
    listening = _listening_inodes(port)
    assert all(len(_socket_inodes(w) & listening) == 1 for w in workers)  # one socket each, not one shared
    assert not _socket_inodes(pid) & listening  # the supervisor holds none

    # keep-alive connections are spread over both workers (uvicorn's shared socket gave one worker nearly all)
    clients = [httpx.Client(base_url=two_workers.url) for _ in range(24)]
    try:
        for client in clients:
            assert client.get("/healthz").status_code == 200
        server_side = _peer_inodes(port, _socket_inodes(os.getpid()))
        served_by = {w: len(_socket_inodes(w) & server_side) for w in workers}
        assert sum(served_by.values()) == len(clients)
        assert all(count > 0 for count in served_by.values()), served_by
    finally:
        for client in clients:
            client.close()

    # a killed worker is replaced by one with its own socket; new connections never wait on the dead one
    os.kill(workers[0], signal.SIGKILL)
    _wait_for(lambda: workers[0] not in _workers(pid) and len(_workers(pid)) == 2)
    _wait_for(lambda: len(_listening_inodes(port)) == 2)
    for _ in range(30):
        with httpx.Client(base_url=two_workers.url, timeout=5) as client:
            assert client.get("/healthz").status_code == 200


def _peer_inodes(port: int, client_inodes: set[str]) -> set[str]:
    """Inodes of the server-side sockets of this process's established connections to `port`."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    ours = {row[1] for row in rows if row[9] in client_inodes and row[3] == "01"}  # our local addresses
    return {
        row[9]
        for row in rows
        if int(row[1].rsplit(":", 1)[1], 16) == port and row[3] == "01" and row[2] in ours
    }
