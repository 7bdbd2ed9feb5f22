"""The production set-up end to end: a real Prefect server, the `ofsted` process pool, a worker
and the deployments of prefect.yaml, driven by the same commands as the README.

Everything runs in subprocesses against a server on a free loopback port whose SQLite database
lives in a temporary PREFECT_HOME; the runs write a temporary DuckDB file from a copy of
data/raw, so the checkout's data and .prefect are never touched. Every process the test starts
is stopped by its process group at the end. 95-120 s here (2 cores).
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

import duckdb
import pytest

from flows.prefect_env import PREFECT_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
POOL = "ofsted"
PATTERN = "stockton_*.pdf"
RUN_TIMEOUT = 240  # seconds for one flow run to reach a final state

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return f"({path.name}: no output)"
    return f"--- last lines of {path.name} ---\n" + "\n".join(
        path.read_text(errors="replace").splitlines()[-lines:])


class Stack:
    """The processes of one local Prefect installation, and the commands the README shows."""

    def __init__(self, home: Path, logs: Path):
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.logs = logs
        self.env = {**os.environ,
                    **PREFECT_DEFAULTS,  # the prefect commands import nothing of the project
                    "PREFECT_HOME": str(home),
                    "PREFECT_API_URL": self.api_url,
                    "PREFECT_LOGGING_LEVEL": "INFO",
                    "PREFECT_CLI_COLORS": "false",
                    "COLUMNS": "200"}
        # A database URL or profile from the caller's environment would point elsewhere.
        for name in ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                     "PREFECT_PROFILES_PATH", "PREFECT_PROFILE", "PREFECT_API_KEY"):
            self.env.pop(name, None)
        self.processes: dict[str, subprocess.Popen] = {}

    def prefect(self, *args: str, timeout: float = 120) -> str:
        """Run a Prefect CLI command to completion and return its output."""
        done = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"prefect {' '.join(args)} exited {done.returncode}:\n{output}"
        return output

    def start(self, name: str, *args: str) -> subprocess.Popen:
        """Start a long-running Prefect command in its own process group, output to a log file."""
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=self.env,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        server = self.processes["server"]
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"prefect server exited {server.returncode}\n{_tail(self.logs / 'server.log')}")
            with suppress(OSError):
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.5)
        pytest.fail(f"prefect server not healthy after {timeout} s\n{_tail(self.logs / 'server.log')}")

    def stop(self, name: str, signals: tuple[signal.Signals, ...], grace: float) -> None:
        """Signal the process group in turn with each signal, then SIGKILL it if still running."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        for sig in signals:
            if process.poll() is not None:
                break
            with suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        # The leader may be gone while its children (a flow run, uvicorn) are not.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            process.wait(10)

    def stop_all(self) -> None:
        # The worker needs SIGINT (SIGTERM alone does not stop it); its graceful shutdown can hang,
        # and a second SIGINT makes it kill itself. Then the server.
        self.stop("worker", (signal.SIGINT, signal.SIGINT, signal.SIGTERM), grace=10)
        self.stop("server", (signal.SIGINT, signal.SIGTERM), grace=15)

    def client(self):
        from prefect.client.orchestration import SyncPrefectClient

        return SyncPrefectClient(self.api_url)

    def run_deployment(self, name: str, **parameters: str) -> str:
        """`prefect deployment run NAME --param k=v ...`; returns the flow run id."""
        args = ["deployment", "run", name]
        for key, value in parameters.items():
            args += ["--param", f"{key}={value}"]
        output = self.prefect(*args)
        match = re.search(r"UUID:\s*([0-9a-f-]{36})", output)
        assert match, f"no flow run id in:\n{output}"
        return match.group(1)

    def wait_final(self, flow_run_id: str, timeout: float = RUN_TIMEOUT):
        """Poll the flow run until it reaches a final state; return that state."""
        deadline = time.monotonic() + timeout
        state = None
        with self.client() as client:
            while time.monotonic() < deadline:
                state = client.read_flow_run(flow_run_id).state
                if state is not None and state.is_final():
                    return state
                if self.processes["worker"].poll() is not None:
                    pytest.fail(f"worker exited {self.processes['worker'].returncode}\n"
                                f"{_tail(self.logs / 'worker.log')}")
                time.sleep(1)
        pytest.fail(f"flow run {flow_run_id} not finished after {timeout} s (state {state})\n"
                    f"{_tail(self.logs / 'worker.log')}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Server up, pool created, both deployments deployed from the checkout, a worker polling."""
    base = tmp_path_factory.mktemp("prefect-stack")
    (base / "home").mkdir()
    (base / "logs").mkdir()
    stack = Stack(base / "home", base / "logs")
    try:
        stack.start("server", "server", "start", "--host", "127.0.0.1", "--port", str(stack.port))
        stack.wait_healthy()
        stack.prefect("work-pool", "create", POOL, "--type", "process")
        stack.start("worker", "worker", "start", "--pool", POOL)
        stack.deploy_output = stack.prefect("--no-prompt", "deploy", "--all")
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A copy of data/raw and a fresh database path, passed to the runs as parameters."""
    base = tmp_path_factory.mktemp("ofsted-data")
    raw = base / "raw"
    shutil.copytree(RAW_DIR, raw)
    return raw, base / "ofsted.duckdb"


def test_deploy_creates_both_deployments_on_the_pool(stack):
    assert "Deployment 'ofsted-ingest/nightly' successfully created" in stack.deploy_output
    assert "Deployment 'ofsted-reprocess/reprocess' successfully created" in stack.deploy_output
    with stack.client() as client:
        nightly = client.read_deployment_by_name("ofsted-ingest/nightly")
        reprocess = client.read_deployment_by_name("ofsted-reprocess/reprocess")
    assert nightly.work_pool_name == POOL and reprocess.work_pool_name == POOL
    # Runs start in this checkout: the pull step's directory was resolved when deploying.
    pull_dirs = [step["prefect.deployments.steps.set_working_directory"]["directory"]
                 for step in nightly.pull_steps]
    assert pull_dirs == [str(ROOT)]
    assert reprocess.schedules == []
    # No parameters: runs take theirs from the worker's OFSTED_* settings (tests/test_flow.py).
    assert reprocess.parameters == {}


def test_nightly_schedule_is_02_00_london_one_run_at_a_time(stack):
    with stack.client() as client:
        nightly = client.read_deployment_by_name("ofsted-ingest/nightly")
    assert len(nightly.schedules) == 1
    schedule = nightly.schedules[0]
    assert schedule.active
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Europe/London"
    assert nightly.global_concurrency_limit is not None and nightly.global_concurrency_limit.limit == 1
    assert nightly.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert nightly.parameters == {}


def test_triggered_runs_complete_and_write_duckdb(stack, data):
    raw, db = data
    n_files = sum(1 for path in raw.rglob("*") if path.is_file())
    matching = [path for path in raw.iterdir() if fnmatch.fnmatch(path.name, PATTERN)]
    assert n_files and matching

    # The exports go beside the temporary database too, not into the checkout's data/processed.
    exports = db.with_name("ofsted-exports")
    run_id = stack.run_deployment("ofsted-ingest/nightly", raw_dir=str(raw), db_path=str(db), export_dir=str(exports))
    state = stack.wait_final(run_id)
    assert state.is_completed(), f"nightly run ended {state.name}: {state.message}\n{_tail(stack.logs / 'worker.log')}"
    assert (exports / ".ofsted-export").read_text() == f"{db.resolve()}\n"

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n_files
        assert con.execute("SELECT count(*) FROM judgements").fetchone()[0] > 0
        runs = con.execute("SELECT n_seen, n_new, n_changed, raw_dir, status FROM runs").fetchall()
    assert runs == [(n_files, n_files, 0, str(raw), "ok")]

    run_id = stack.run_deployment("ofsted-reprocess/reprocess", raw_dir=str(raw), db_path=str(db), pattern=PATTERN)
    state = stack.wait_final(run_id)
    assert state.is_completed(), f"reprocess run ended {state.name}: {state.message}\n{_tail(stack.logs / 'worker.log')}"

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n_files
        last = con.execute("SELECT n_seen, n_new, n_changed, n_removed, status FROM runs "
                           "ORDER BY run_id DESC LIMIT 1").fetchone()
    # Only the files matching the glob were seen, and all of them re-extracted though unchanged;
    # the files outside the glob are not reported removed.
    assert last == (len(matching), 0, len(matching), 0, "ok")


def test_a_run_cancelled_from_the_server_stops_and_is_marked_interrupted(stack, tmp_path):
    from prefect.states import Cancelling

    raw = tmp_path / "raw"
    raw.mkdir()
    report = (RAW_DIR / "stockton_2016_sif_inspection_report.pdf").read_bytes()
    for i in range(60):  # distinct bytes, the same report: long enough to be cancelled mid-way
        (raw / f"report_{i:02d}.pdf").write_bytes(report + f"\n% copy {i}\n".encode())
    db = tmp_path / "ofsted.duckdb"
    run_id = stack.run_deployment("ofsted-reprocess/reprocess", raw_dir=str(raw), db_path=str(db),
                                  batch_size="1", export_dir=str(tmp_path / "exports"))
    with stack.client() as client:
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            state = client.read_flow_run(run_id).state
            if state is not None and state.is_running() and db.exists():
                break
            time.sleep(0.5)
        time.sleep(8)  # some batches written
        client.set_flow_run_state(run_id, Cancelling())
    state = stack.wait_final(run_id)
    assert state.is_cancelled(), f"{state.name}: {state.message}\n{_tail(stack.logs / 'worker.log')}"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert 0 < stored < 60
        assert con.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                           "(SELECT 1 FROM pages p WHERE p.doc_id = d.doc_id)").fetchone()[0] == 0


def test_the_makefile_gives_the_prefect_commands_the_projects_prefect_defaults():
    exported = dict(re.findall(r"^export (\w+) \?= (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert {name: exported.get(name) for name in PREFECT_DEFAULTS} == PREFECT_DEFAULTS


def test_make_server_on_another_port_serves_a_ui_that_calls_that_port(tmp_path):
    """The UI's API address follows the port, even with PREFECT_API_URL naming the default one."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path), "PREFECT_API_URL": "http://127.0.0.1:4200/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(["make", "-s", "server", f"PREFECT_PORT={port}"], cwd=ROOT, env=env,
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        settings = None
        while time.monotonic() < deadline and server.poll() is None:
            with suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=2) as response:
                    settings = json.load(response)
                    break
            time.sleep(0.5)
        assert settings is not None, _tail(log)
        assert settings["api_url"] == f"http://127.0.0.1:{port}/api"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            server.wait(15)
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
