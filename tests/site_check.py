"""Load every page of the built docs site in headless Chromium and fail on anything broken.

    python tests/site_check.py site            # the output of `mkdocs build`
    python tests/site_check.py --self-test     # prove the checks catch what they should

`make docs-check` runs both. The site is served from a local http.server on a free port, and
Chromium is driven over the DevTools protocol (websocket-client); it resolves no host but
127.0.0.1, so a page that needs the internet (a CDN script, a web font) fails here exactly as it
would for a reader offline, whether or not this machine is online. For each page it reports:

* console errors and uncaught exceptions;
* requests that failed or answered HTTP >= 400;
* images that did not load (naturalWidth 0);
* a main content area (``article`` / ``.md-content``) with under ``--min-chars`` of text;
* a page that scrolls sideways at a phone's width (390 CSS px): a code block may scroll inside
  itself, the page may not;

and it saves a full-page PNG to ``--screenshots`` for a person to look at. Exit status: 0 all
pages pass, 1 some page failed (a per-page report says why), 2 the check itself could not run.

This file lives with the tests but is not collected by pytest (its name is not test_*.py): it
needs the built site and Chromium, which `make docs-check` provides.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

VIEWPORT = (1280, 800)
PHONE_WIDTH = 390  # CSS pixels: a phone held upright; no page may scroll sideways at this width
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium cannot capture much taller than 16384 px
PAGE_TIMEOUT = 30.0
QUIET_NETWORK = 0.3  # seconds of network silence after which a page counts as loaded
# Pages whose content is short by design, checked for everything but the amount of text.
SHORT_PAGES = {"404.html"}

# Runs in the page after load: lazy images are made eager and awaited, so that an image below
# the fold is checked too, then the images and the main text are measured.
_INSPECT = """
(async () => {
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  await Promise.race([
    Promise.all(images.map(img => img.decode().catch(() => null))),
    new Promise(done => setTimeout(done, 10000)),
  ]);
  const main = document.querySelector("article") || document.querySelector(".md-content")
    || document.querySelector("main") || document.body;
  return {
    title: document.title,
    text: main ? main.innerText.trim().length : 0,
    images: images.map(img => ({
      src: (img.currentSrc || img.src || "").slice(0, 120),
      ok: img.complete && img.naturalWidth > 0,
    })),
  };
})()
"""


class CheckError(Exception):
    """The check itself could not run (no Chromium, no site, a timeout): exit status 2."""


@dataclass
class PageResult:
    """What one page showed: its problems, its size and where its screenshot went."""

    path: str
    problems: list[str] = field(default_factory=list)
    text_chars: int = 0
    images: int = 0
    screenshot: Path | None = None
    seconds: float = 0.0


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


# -- checking pages ----------------------------------------------------------------------------


def site_pages(root: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root (index.html files and 404)."""
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    return [p for p in pages if not p.startswith(("assets/", "search/"))]


def page_url(base: str, page: str) -> str:
    """The URL a reader would use: a folder for an index.html."""
    if page == "index.html":
        return base + "/"
    if page.endswith("/index.html"):
        return f"{base}/{page[: -len('index.html')]}"
    return f"{base}/{page}"


def problems_in(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions and failed requests among a page's DevTools events."""
    problems = []
    urls = {}
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            problems.append(f"uncaught exception: {text.splitlines()[0] if text else details}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            problems.append(f"console.{params['type']}: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            # Failed requests are reported below with their URL; Chromium also logs them here.
            if entry.get("source") != "network":
                problems.append(f"console error ({entry.get('source')}): {entry['text']}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            response = params["response"]
            problems.append(f"HTTP {response['status']}: {response['url']}")
        elif method == "Network.loadingFailed":
            url = urls.get(params["requestId"], "?")
            reason = params.get("blockedReason") or params.get("errorText", "")
            problems.append(f"request failed ({reason}): {url[:200]}")
    return problems


def screenshot_name(page: str) -> str:
    """index.html -> index.png, api/index.html -> api.png, a/b/index.html -> a--b.png."""
    stem = page[: -len("/index.html")] if page.endswith("/index.html") else page.removesuffix(".html")
    return stem.replace("/", "--") + ".png"


def check_page(browser: Browser, base: str, page: str, shots: Path | None, min_chars: int) -> PageResult:
    """Load one page and check it; see the module's docstring for what counts as a problem."""
    result = PageResult(page)
    started = time.monotonic()
    # A blank page first, so that requests the previous page left open end before we listen.
    browser.send("Page.navigate", url="about:blank")
    browser.wait_for_quiet_network(2)
    browser.events.clear()
    navigation = browser.send("Page.navigate", url=page_url(base, page))
    if navigation.get("errorText"):
        result.problems.append(f"navigation failed: {navigation['errorText']}")
        return result
    if not browser.wait_for("Page.loadEventFired", PAGE_TIMEOUT):
        result.problems.append(f"the load event did not fire within {PAGE_TIMEOUT:.0f} s")
    browser.wait_for_quiet_network(10)
    found = browser.send("Runtime.evaluate", expression=_INSPECT, awaitPromise=True, returnByValue=True)
    if "exceptionDetails" in found:
        result.problems.append(f"could not inspect the page: {found['exceptionDetails'].get('text')}")
        info: dict[str, Any] = {"text": 0, "images": []}
    else:
        info = found["result"]["value"]
    result.text_chars, result.images = info["text"], len(info["images"])
    for image in info["images"]:
        if not image["ok"]:
            result.problems.append(f"broken image: {image['src'] or '(no src)'}")
    if page not in SHORT_PAGES and info["text"] < min_chars:
        result.problems.append(f"main content has {info['text']} characters of text (< {min_chars}): empty page?")
    if shots is not None:
        result.screenshot = shots / screenshot_name(page)
        result.screenshot.write_bytes(_full_page_png(browser))
    result.problems += _sideways_at_phone_width(browser)
    browser.wait_for_quiet_network(1)
    result.problems[:0] = problems_in(browser.events)
    result.seconds = time.monotonic() - started
    return result


# The elements wider than the window, outermost first; each may scroll inside itself (a code
# block with overflow: auto) but must not make the page scroll sideways.
_SIDEWAYS = """
(() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const wide = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== "fixed");
  const outer = wide.filter((el) => !wide.includes(el.parentElement));
  return outer.slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
})()
"""


def _sideways_at_phone_width(browser: Browser) -> list[str]:
    """Problems for a page that scrolls sideways at a phone's width (then back to the usual width)."""
    width, height = VIEWPORT
    browser.send("Emulation.setDeviceMetricsOverride", width=PHONE_WIDTH, height=844, deviceScaleFactor=1, mobile=False)
    try:
        browser.wait_for_quiet_network(1)
        found = browser.send("Runtime.evaluate", expression=_SIDEWAYS, returnByValue=True)
    finally:
        browser.send(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )
    wide = found.get("result", {}).get("value") or []
    return [f"scrolls sideways at {PHONE_WIDTH} px wide: {', '.join(wide) or 'the page'}"] if wide else []


def _full_page_png(browser: Browser) -> bytes:
    metrics = browser.send("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    height = min(MAX_SCREENSHOT_HEIGHT, max(VIEWPORT[1], int(size["height"]) + 1))
    clip = {"x": 0, "y": 0, "width": VIEWPORT[0], "height": height, "scale": 1}
    shot = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
    return base64.b64decode(shot["data"])


def check_site(root: Path, *, shots: Path | None, min_chars: int, timeout: float, executable: str) -> list[PageResult]:
    """Check every page of the site in ``root``; raises CheckError if the check cannot run."""
    if not (root / "index.html").is_file():
        raise CheckError(f"{root} holds no index.html: build the site first (make docs)")
    pages = site_pages(root)
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        for old in shots.glob("*.png"):
            old.unlink()  # a page that no longer exists must not leave its picture behind
    deadline = time.monotonic() + timeout
    with serve(root) as base:
        browser = Browser(executable, deadline)
        try:
            width, height = VIEWPORT
            browser.send(
                "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
            )
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.send(f"{domain}.enable")
            # No cache: each page must load its own assets, not lean on the previous page's.
            browser.send("Network.setCacheDisabled", cacheDisabled=True)
            return [check_page(browser, base, page, shots, min_chars) for page in pages]
        finally:
            browser.close()


def report(results: list[PageResult], seconds: float) -> bool:
    """Print a line per page (and its problems); True if every page passed."""
    for result in results:
        status = "FAIL" if result.problems else "ok  "
        shot = f", screenshot {result.screenshot}" if result.screenshot else ""
        print(
            f"{status} {result.path}: {result.text_chars} chars, {result.images} images, {result.seconds:.1f} s{shot}"
        )
        for problem in result.problems:
            print(f"       - {problem}")
    failed = [r.path for r in results if r.problems]
    if failed:
        print(f"site check FAILED: {len(failed)} of {len(results)} pages have problems: {', '.join(failed)}")
    else:
        print(f"site check passed: {len(results)} pages in {seconds:.1f} s")
    return not failed


# -- the self-test -----------------------------------------------------------------------------

_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
_GOOD = f"""<!doctype html><html><head><title>good</title><link rel="icon" href="data:,"></head><body><article>
<p>{"Plenty of text on a page that works. " * 10}</p><img src="data:image/png;base64,{_PIXEL}" alt="dot">
<img src="pixel.png" alt="a file"></article></body></html>"""
_BAD = """<!doctype html><html><head><title>bad</title>
<link rel="stylesheet" href="https://cdn.example.com/theme.css"></head><body><article><p>short</p>
<img src="missing.png" alt="missing"></article>
<div style="width: 900px">too wide for a phone</div>
<script>console.error("logged an error"); throw new Error("boom");</script></body></html>"""


def self_test(executable: str, timeout: float) -> bool:
    """Check a made-up site with one good and one bad page; True if each problem is caught."""
    with tempfile.TemporaryDirectory(prefix="site-check-self-test-") as folder:
        root = Path(folder)
        (root / "index.html").write_text(_GOOD)
        (root / "pixel.png").write_bytes(base64.b64decode(_PIXEL))
        (root / "bad").mkdir()
        (root / "bad" / "index.html").write_text(_BAD)
        results = check_site(root, shots=root / "shots", min_chars=200, timeout=timeout, executable=executable)
        good, bad = sorted(results, key=lambda r: r.path != "index.html")
        expected = {
            "uncaught exception": "Error: boom",
            "console.error": "logged an error",
            "request failed": "https://cdn.example.com/theme.css",
            "HTTP 404": "/bad/missing.png",
            "broken image": "missing.png",
            "main content has": "empty page?",
            "scrolls sideways at 390 px": "div",
        }
        missed = [
            f"{kind} ... {detail}"
            for kind, detail in expected.items()
            if not any(p.startswith(kind) and detail in p for p in bad.problems)
        ]
        shots_ok = all(r.screenshot and r.screenshot.read_bytes().startswith(b"\x89PNG") for r in (good, bad))
        ok = not good.problems and not missed and shots_ok
        print(f"self-test {'passed' if ok else 'FAILED'}")
        for problem in good.problems:
            print(f"  false alarm on the good page: {problem}")
        for problem in missed:
            print(f"  not caught on the bad page: {problem} (it reported: {bad.problems})")
        if not shots_ok:
            print("  a screenshot is missing or not a PNG")
        return ok


def main(argv: list[str] | None = None) -> int:
    """Run the check; the exit status is 0 (pass), 1 (a page failed) or 2 (could not check)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("site"), help="the built site (default: site)")
    parser.add_argument("--screenshots", type=Path, default=Path("site-screenshots"), help="where PNGs go")
    parser.add_argument("--min-chars", type=int, default=200, help="least text a page's content must hold")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for the whole check")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "chromium"), help="the browser to run")
    parser.add_argument("--self-test", action="store_true", help="check the checker on a made-up site")
    args = parser.parse_args(argv)
    executable = shutil.which(args.chromium)
    if executable is None:
        print(f"site check: {args.chromium!r} not found; install Debian's chromium (make docs-check does)")
        return 2

    # A backstop for a hang the deadlines miss: SIGALRM raises, and `finally` still kills Chromium.
    def give_up(signum: int, frame: object) -> None:
        raise CheckError(f"the whole check took longer than {args.timeout + 30:.0f} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(2))
    signal.alarm(int(args.timeout) + 30)
    started = time.monotonic()
    try:
        if args.self_test:
            return 0 if self_test(executable, args.timeout) else 1
        results = check_site(
            args.site, shots=args.screenshots, min_chars=args.min_chars, timeout=args.timeout, executable=executable
        )
    except CheckError as err:
        print(f"site check could not run: {err}")
        return 2
    finally:
        signal.alarm(0)
    return 0 if report(results, time.monotonic() - started) else 1


if __name__ == "__main__":
    sys.exit(main())
