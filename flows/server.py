"""A temporary Prefect server for one command-line run, which the run itself stops.

With no ``PREFECT_API_URL``, Prefect would start a temporary server of its own in the same
process group as the command: a Ctrl-C in the terminal then kills the server first, and the
flow, left without its API, hangs retrying connections instead of stopping. This server runs in
a process group of its own (so only this process decides when it stops), is stopped when the run
ends however it ends, and dies with this process if the process is killed (Linux's parent-death
signal), so no server outlives its run.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

_PR_SET_PDEATHSIG = 1


class ServerDidNotStart(RuntimeError):
    """The temporary Prefect server did not answer its health check in time."""


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _healthy(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def temporary_server() -> Iterator[str]:
    """Start a Prefect API on a free loopback port for the block; yield its API URL."""
    import prefect
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    startup_timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
           "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    # The server's own output (its shutdown tracebacks too) goes to a log, not the terminal.
    log_path = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect") / "temporary-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent),
         "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        process_group=0, preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _healthy(url):
            if process.poll() is not None:
                raise ServerDidNotStart(f"the temporary Prefect server exited with code {process.returncode} "
                                        "as it started (its log: {log_path}); or set PREFECT_API_URL to a running server")
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"the temporary Prefect server did not start within {startup_timeout:g} s: "
                                        "raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or set PREFECT_API_URL")
            time.sleep(0.1)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        _drain_prefect_services()
        stop(process)
        log.close()


def _drain_prefect_services(timeout_seconds: float = 10) -> None:
    """Send the run's last logs and events while the server is still there to receive them.

    Prefect drains these queues at interpreter exit; after the server has stopped that waits on
    a connection that can never be made.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            service.drain_all(timeout=timeout_seconds)


def stop(process: subprocess.Popen, grace_seconds: float = 5) -> None:
    """Stop a server process: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
