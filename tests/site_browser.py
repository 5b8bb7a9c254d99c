"""Headless Chromium, driven over the DevTools protocol, and a local server for a built site.

tests/site_check.py uses these to load every page of the docs site offline; see its docstring
for what it checks. Not collected by pytest (its name is not test_*.py).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import socketserver
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import websocket

VIEWPORT = (1280, 800)
PAGE_TIMEOUT = 30.0
QUIET_NETWORK = 0.3  # seconds of network silence after which a page counts as loaded


class CheckError(Exception):
    """The check itself could not run (no Chromium, no site, a timeout): exit status 2."""


# -- the local server ------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the browser reports failed requests; a log line per file is noise


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port, in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- Chromium and the DevTools protocol --------------------------------------------------------


class Browser:
    """A headless Chromium process with one page, spoken to over the DevTools protocol."""

    def __init__(self, executable: str, deadline: float) -> None:
        self.deadline = deadline
        self._profile = tempfile.mkdtemp(prefix="site-check-chromium-")
        command = [
            executable,
            "--headless=new",
            "--no-sandbox",  # we run as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            # Every host but the local server fails to resolve: the site must work offline.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={self._profile}",
            "--remote-debugging-port=0",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
            "about:blank",
        ]
        # A session of its own, so that closing kills the renderers and helpers too.
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        self._stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self._socket: websocket.WebSocket | None = None
        try:
            self._socket = websocket.create_connection(self._page_url(), timeout=5, suppress_origin=True)
        except BaseException:
            self.close()  # no Chromium left behind when it starts badly or the check is interrupted
            raise

    def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def _page_url(self) -> str:
        # With port 0 Chromium picks a free port and writes it to DevToolsActivePort.
        port_file = Path(self._profile) / "DevToolsActivePort"
        while not port_file.exists() or not port_file.read_text().strip():
            if self._process.poll() is not None:
                raise CheckError("Chromium exited at start:\n  " + "\n  ".join(self._stderr[-15:]))
            self._check_deadline("Chromium to start")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        import urllib.request

        for _ in range(100):
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                    targets = json.load(answer)
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise CheckError("Chromium started but offered no page to drive")

    def _check_deadline(self, waiting_for: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise CheckError(f"timed out waiting for {waiting_for}")
        return left

    def _receive(self, timeout: float, waiting_for: str) -> dict[str, Any] | None:
        assert self._socket is not None
        self._socket.settimeout(max(0.01, min(timeout, self._check_deadline(waiting_for))))
        try:
            message = json.loads(self._socket.recv())
        except websocket.WebSocketTimeoutException:
            return None
        except websocket.WebSocketConnectionClosedException:
            raise CheckError("Chromium closed the DevTools connection (did it crash?)") from None
        if "method" in message:
            self.events.append(message)
        return message

    def send(self, method: str, timeout: float = PAGE_TIMEOUT, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        call_id = self._next_id
        assert self._socket is not None
        self._socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            message = self._receive(until - time.monotonic(), method)
            if message is not None and message.get("id") == call_id:
                if "error" in message:
                    raise CheckError(f"{method} failed: {message['error'].get('message')}")
                return message["result"]
        raise CheckError(f"timed out waiting for {method}")

    def wait_for(self, event: str, timeout: float = PAGE_TIMEOUT) -> bool:
        """Wait for ``event`` (kept in ``events``); False if it did not come within ``timeout``."""
        until = time.monotonic() + timeout
        seen = len(self.events)
        if any(e["method"] == event for e in self.events):
            return True
        while time.monotonic() < until:
            self._receive(until - time.monotonic(), event)
            if any(e["method"] == event for e in self.events[seen:]):
                return True
        return False

    def wait_for_quiet_network(self, timeout: float) -> None:
        """Wait until the network has been silent for QUIET_NETWORK seconds (or ``timeout``).

        Silence, not "no request in flight": a worker's script (Material's search) is requested
        by the page but finishes in the worker, so the page never hears that it ended.
        """
        until = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < until:
            message = self._receive(0.1, "the page's requests")
            if message is not None and message.get("method", "").startswith("Network."):
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_NETWORK:
                return

    def close(self) -> None:
        """Stop Chromium and everything it started, and remove its profile."""
        if self._socket is not None:
            with contextlib.suppress(Exception):
                self._socket.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=5)
        shutil.rmtree(self._profile, ignore_errors=True)
