"""Local server processes for tests, benchmarks and CI: start one on a free loopback port,
wait until it answers HTTP, and stop it by its process id afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import AssistantError


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(
    command: list[str], ready_url: str, name: str, timeout: float = 60,
    env: dict[str, str] | None = None, cwd: Path | None = None,
) -> Iterator[None]:  # fmt: skip
    """Run command until the with-block ends; enter once ready_url answers with HTTP 200."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise AssistantError(
                        f"the {name} exited with code {process.returncode}"
                    ) from None
                if time.monotonic() > deadline:
                    raise AssistantError(
                        f"the {name} did not answer within {timeout:.0f} s"
                    ) from None
                time.sleep(0.25)
        yield
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chroma_server(data: Path, port: int = 0) -> Iterator[str]:
    """A real Chroma server (the pinned chromadb's `chroma run`) storing into data; yields its
    URL."""
    port = port or free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    env = {"ANONYMIZED_TELEMETRY": "False"}
    with running(command, f"{url}/api/v2/heartbeat", "Chroma server", env=env):
        yield url
