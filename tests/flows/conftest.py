"""A real `prefect server start` and a real `khanij serve` in subprocesses, shared by the deployment and browser tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flows.deploy import FULL_NAME

BIN = Path(sys.executable).parent
SERVER_START_SECONDS = 120
SERVE_START_SECONDS = 90
STOP_SECONDS = 20


@dataclass
class ServedDeployment:
    """Where the test server and the served deployment are, and how to reach them."""

    base_url: str
    api_url: str
    home: Path
    env: dict[str, str]
    deployment_id: str
    logs: dict[str, Path] = field(default_factory=dict)

    def log_tail(self, lines: int = 40) -> str:
        """The end of every subprocess's log, for failure messages."""
        return "\n".join(
            f"--- {name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            for name, path in self.logs.items() if path.exists()
        )


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str, timeout: float = 5) -> object | None:
    """GET a JSON document; None when the server is not there or answers with an error."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


def wait_until(check: Callable[[], object], seconds: float, what: str, alive: Callable[[], str | None], interval: float = 0.5):
    """Poll check() until it returns something truthy; fail with the logs if time runs out or a process dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if (died := alive()) is not None:
            pytest.fail(f"{what}: {died}")
        time.sleep(interval)
    pytest.fail(f"{what}: not within {seconds:.0f} s")


def _clean_env(home: Path) -> dict[str, str]:
    # Nothing Prefect-related from the developer's shell or from the in-process test harness may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1")
    return env


def _processes_with(marker: str) -> list[tuple[int, str]]:
    """Live processes whose environment contains marker (the test's PREFECT_HOME), with their command lines."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process's whole group (it was started in its own session), SIGKILL what is left."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(STOP_SECONDS)


@pytest.fixture(scope="session")
def served_deployment(tmp_path_factory) -> Iterator[ServedDeployment]:
    """`prefect server start` on a free loopback port with a temporary PREFECT_HOME, and `khanij serve` against it."""
    base = tmp_path_factory.mktemp("prefect-served")
    home, logs = base / "prefect-home", base / "logs"
    logs.mkdir()
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    api_url = f"{base_url}/api"
    env = _clean_env(home)
    processes: list[subprocess.Popen] = []

    server_env = {
        **env,
        # The UI asks the server where its API is; it answers from these settings, not from --port.
        "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port),
        # A queued run retries for a concurrency slot every 30 s by default: 1 s keeps the test short.
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "1",
        # SQLite waits up to this long for a busy database before the API answers 503 (10 s by default; a loaded
        # 2-core CI machine has exceeded it), and the server logs the cause of any 503.
        "PREFECT_SERVER_DATABASE_TIMEOUT": "30", "PREFECT_SERVER_LOG_RETRYABLE_ERRORS": "true",
    }
    client_env = {**env, "PREFECT_API_URL": api_url}
    served = ServedDeployment(base_url, api_url, home, client_env, "", {"server": logs / "server.log", "serve": logs / "serve.log"})

    def start(name: str, command: list[str], process_env: dict[str, str]) -> subprocess.Popen:
        with open(served.logs[name], "wb") as log:
            process = subprocess.Popen(command, env=process_env, cwd=base, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        processes.append(process)
        return process

    def alive() -> str | None:
        for process in processes:
            if process.poll() is not None:
                return f"{' '.join(map(str, process.args))} exited with {process.returncode}\n{served.log_tail()}"
        return None

    try:
        start("server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)], server_env)
        wait_until(lambda: get_json(f"{api_url}/health") is True, SERVER_START_SECONDS, "prefect server start", alive)
        # Runs are started from the serve process's children; a 1 s poll makes a UI click start within a second.
        # Every served run pauses 12 s inside its commit (the crash tests' sleep fault point), so a second run
        # triggered while the first runs certainly meets the concurrency limit, however fast ingestion gets. (With
        # 5 s, a loaded machine once let the first run end before the runner got to the second.)
        start("serve", [sys.executable, "-m", "khanij.cli", "serve"],
              {**client_env, "PREFECT_RUNNER_POLL_FREQUENCY": "1", "KHANIJ_FAULT": "before-swap:1:sleep:12"})
        deployment = wait_until(lambda: get_json(f"{api_url}/deployments/name/{FULL_NAME}"), SERVE_START_SECONDS, "khanij serve registering its deployment", alive)
        served.deployment_id = deployment["id"]
        # The runner polls only after registering: wait for its first poll so a run triggered now is picked up at once.
        wait_until(lambda: "polling for scheduled runs" in served.logs["serve"].read_text(errors="replace"), 30, "khanij serve polling", alive)
        yield served
        # The stray-process check below must be able to see this session's processes, or it would prove nothing.
        running = _processes_with(str(home))
        assert len(running) >= 2, f"the process check sees neither the server nor the runner: {running}"
    finally:
        for process in reversed(processes):  # the runner first, while its server can still hear it
            _stop_group(process)
        strays = _processes_with(str(home))
        for pid, _ in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert not strays, f"processes left running after teardown: {strays}"
        assert all(p.poll() is not None for p in processes)
