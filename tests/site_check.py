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
* a code block of the page's Markdown source (tests/site_sources.py) that the page shows with
  other text than the source's: what a reader copies must be what the docs say;
* a plot with an empty panel: a quarter of an image that holds (almost) only background;

and it saves a full-page PNG to ``--screenshots`` for a person to look at. Exit status: 0 all
pages pass, 1 some page failed (a per-page report says why), 2 the check itself could not run.

This file lives with the tests but is not collected by pytest (its name is not test_*.py): it
needs the built site and Chromium, which `make docs-check` provides.
"""

from __future__ import annotations

import argparse
import base64
import collections
import difflib
import os
import shutil
import signal
import struct
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_browser import PAGE_TIMEOUT, VIEWPORT, Browser, CheckError, serve
from site_sources import SourceBlock, code_blocks, source_of

PHONE_WIDTH = 390  # CSS pixels: a phone held upright; no page may scroll sideways at this width
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium cannot capture much taller than 16384 px
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
  // A plot's quarter in which (almost) every pixel is the background's colour is an empty panel.
  const blankQuarters = (img) => {
    if (!img.complete || img.naturalWidth < 300 || img.naturalHeight < 200) return [];
    const scale = Math.min(1, 400 / img.naturalWidth);
    const w = Math.round(img.naturalWidth * scale), h = Math.round(img.naturalHeight * scale);
    const canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0, w, h);
    let pixels;
    try { pixels = context.getImageData(0, 0, w, h).data; } catch (e) { return []; }
    const at = (x, y) => 4 * (y * w + x);
    // The background is the picture's commonest colour.
    const counts = new Map();
    for (let i = 0; i < pixels.length; i += 4) {
      const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    const commonest = [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    const background = [commonest >> 16, (commonest >> 8) & 255, commonest & 255];
    const names = ["top left", "top right", "bottom left", "bottom right"];
    const blank = [];
    for (let q = 0; q < 4; q++) {
      const x0 = (q % 2) * Math.floor(w / 2), y0 = Math.floor(q / 2) * Math.floor(h / 2);
      let inked = 0, total = 0;
      for (let y = y0; y < y0 + Math.floor(h / 2); y++) {
        for (let x = x0; x < x0 + Math.floor(w / 2); x++) {
          const i = at(x, y);
          total++;
          if (pixels[i + 3] > 0 && Math.abs(pixels[i] - background[0]) + Math.abs(pixels[i + 1] - background[1])
              + Math.abs(pixels[i + 2] - background[2]) > 48) inked++;
        }
      }
      if (total > 0 && inked / total < 0.003) blank.push(names[q]);
    }
    return blank;
  };
  return {
    title: document.title,
    text: main ? main.innerText.trim().length : 0,
    code: [...document.querySelectorAll("pre > code")].map(code => code.innerText),
    images: images.map(img => ({
      src: (img.currentSrc || img.src || "").slice(0, 120),
      ok: img.complete && img.naturalWidth > 0,
      blank: blankQuarters(img),
    })),
  };
})()
"""


@dataclass
class PageResult:
    """What one page showed: its problems, its size and where its screenshot went."""

    path: str
    problems: list[str] = field(default_factory=list)
    text_chars: int = 0
    images: int = 0
    screenshot: Path | None = None
    seconds: float = 0.0


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


def code_problems(sources: list[SourceBlock], shown: list[str]) -> list[str]:
    """A problem for each source code block that the page does not show exactly as written.

    The page may show more blocks than its source holds (generated at build time); each block of
    the source must be among them, as often as the source has it.
    """
    left = collections.Counter(text.rstrip("\n") for text in shown)
    problems = []
    for block in sources:
        if left[block.text] > 0:
            left[block.text] -= 1
            continue
        nearest = difflib.get_close_matches(block.text, list(left), n=1, cutoff=0.0)
        differs = ""
        if nearest:
            pairs = zip(block.text.splitlines(), nearest[0].splitlines(), strict=False)
            wrong = next(((a, b) for a, b in pairs if a != b), None)
            differs = f": source {wrong[0]!r}, page {wrong[1]!r}" if wrong else ": the page's block has other lines"
        problems.append(f"code block at {block.source}:{block.line} shows other text than its source{differs}")
    return problems


def check_page(
    browser: Browser, base: str, page: str, shots: Path | None, min_chars: int, sources: list[SourceBlock]
) -> PageResult:
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
        info: dict[str, Any] = {"text": 0, "images": [], "code": []}
    else:
        info = found["result"]["value"]
    result.text_chars, result.images = info["text"], len(info["images"])
    for image in info["images"]:
        if not image["ok"]:
            result.problems.append(f"broken image: {image['src'] or '(no src)'}")
        elif image["blank"]:
            result.problems.append(f"empty plot panel ({', '.join(image['blank'])} quarter): {image['src']}")
    result.problems += code_problems(sources, info["code"])
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


def check_site(
    root: Path, *, docs: Path, shots: Path | None, min_chars: int, timeout: float, executable: str
) -> list[PageResult]:
    """Check every page of the site in ``root`` (built from the Markdown in ``docs``); raises
    CheckError if the check cannot run."""
    if not (root / "index.html").is_file():
        raise CheckError(f"{root} holds no index.html: build the site first (make docs)")
    if not docs.is_dir():
        raise CheckError(f"{docs} is not the folder of the site's Markdown sources")
    pages = site_pages(root)
    sources = {page: code_blocks(path, docs.parent) for page in pages if (path := source_of(page, docs))}
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
            return [check_page(browser, base, page, shots, min_chars, sources.get(page, [])) for page in pages]
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
<img src="pixel.png" alt="a file"><img src="plot.png" alt="a full plot" style="max-width: 100%">
<pre><code>print("a | b")
</code></pre></article></body></html>"""
_BAD = """<!doctype html><html><head><title>bad</title>
<link rel="stylesheet" href="https://cdn.example.com/theme.css"></head><body><article><p>short</p>
<img src="missing.png" alt="missing"><img src="../empty-panel.png" alt="a plot with an empty panel">
<pre><code>x = 1 \\| 2
</code></pre></article>
<div style="width: 900px">too wide for a phone</div>
<script>console.error("logged an error"); throw new Error("boom");</script></body></html>"""


_GOOD_SOURCE = '# good\n\n```python\nprint("a | b")\n```\n'
_BAD_SOURCE = "# bad\n\n    ```python\n    x = 1 | 2\n    ```\n"


def _plot_png(empty_quarter: bool) -> bytes:
    """A 400 x 300 white picture with a frame and a line in each quarter (or none in the last)."""
    width, height = 400, 300
    rows = []
    for y in range(height):
        row = bytearray(b"\xff" * (3 * width))
        for x in range(width):
            right, bottom = x >= width // 2, y >= height // 2
            if empty_quarter and right and bottom:
                continue
            local_x, local_y = x % (width // 2), y % (height // 2)
            if local_x in (10, 11, 189) or local_y in (10, 139) or abs(local_y - local_x * 0.6) < 1.5:
                row[3 * x : 3 * x + 3] = b"\x20\x40\xa0"
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def self_test(executable: str, timeout: float) -> bool:
    """Check a made-up site with one good and one bad page; True if each problem is caught."""
    with tempfile.TemporaryDirectory(prefix="site-check-self-test-") as folder:
        root = Path(folder)
        (root / "index.html").write_text(_GOOD)
        (root / "pixel.png").write_bytes(base64.b64decode(_PIXEL))
        (root / "bad").mkdir()
        (root / "bad" / "index.html").write_text(_BAD)
        (root / "plot.png").write_bytes(_plot_png(empty_quarter=False))
        (root / "empty-panel.png").write_bytes(_plot_png(empty_quarter=True))
        docs = root / "sources" / "docs"
        docs.mkdir(parents=True)
        (docs / "index.md").write_text(_GOOD_SOURCE)
        (docs / "bad.md").write_text(_BAD_SOURCE)
        results = check_site(
            root, docs=docs, shots=root / "shots", min_chars=200, timeout=timeout, executable=executable
        )
        good, bad = sorted(results, key=lambda r: r.path != "index.html")
        expected = {
            "uncaught exception": "Error: boom",
            "console.error": "logged an error",
            "request failed": "https://cdn.example.com/theme.css",
            "HTTP 404": "/bad/missing.png",
            "broken image": "missing.png",
            "main content has": "empty page?",
            "scrolls sideways at 390 px": "div",
            "empty plot panel (bottom right quarter)": "empty-panel.png",
            "code block at docs/bad.md:3 shows other text": "source 'x = 1 | 2', page 'x = 1 \\\\| 2'",
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
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the site's Markdown (default: docs)")
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
            args.site,
            docs=args.docs,
            shots=args.screenshots,
            min_chars=args.min_chars,
            timeout=args.timeout,
            executable=executable,
        )
    except CheckError as err:
        print(f"site check could not run: {err}")
        return 2
    finally:
        signal.alarm(0)
    return 0 if report(results, time.monotonic() - started) else 1


if __name__ == "__main__":
    sys.exit(main())
