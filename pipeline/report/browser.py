"""Open a report in headless Chromium with the network cut off: screenshot and console errors.

Used by the tests (the page must render offline without console errors) and to refresh the
README screenshot::

    python -m pipeline.report.browser out/report.html docs/report.png

It talks the DevTools protocol over ``--remote-debugging-pipe`` (JSON messages separated by
NUL on file descriptors 3 and 4), so it needs only the standard library and a Chromium binary
(Debian's ``chromium``) and never downloads a browser. The network is off three ways: DevTools
emulates offline, every host name resolves to nothing, and the proxy is a closed local port;
any request that is not for a file:, data: or blob: URL is recorded as well.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
)


class BrowserError(Exception):
    """Chromium is missing, crashed, or did not answer in time."""


@dataclass
class PageCheck:
    """What opening the page showed."""

    ready: str = ""  # the page's body[data-ready] when we stopped waiting: "yes" when all plots drew
    console_errors: list[str] = field(default_factory=list)  # console.error, uncaught exceptions, failed loads
    requests: list[str] = field(default_factory=list)  # URLs the page tried to fetch from the network
    facts: dict = field(default_factory=dict)  # results of the ``probes`` expressions
    screenshot: Path | None = None


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else the first known name on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class _Pipe:
    """A DevTools session over Chromium's debugging pipe: commands in, answers and events out."""

    def __init__(self, process: subprocess.Popen, write_fd: int, read_fd: int):
        self.process, self.write_fd, self.next_id = process, write_fd, 0
        self.messages: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        threading.Thread(target=self._read, args=(read_fd,), daemon=True).start()

    def _read(self, read_fd: int) -> None:
        buffer = b""
        with os.fdopen(read_fd, "rb", buffering=0) as stream:
            while chunk := stream.read(1 << 16):
                buffer += chunk
                *whole, buffer = buffer.split(b"\0")
                for raw in whole:
                    self.messages.put(json.loads(raw))
        self.messages.put(None)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline, method)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait(self, seconds: float) -> None:
        """Collect events for a while (console messages arrive after the load event)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                return
            if message is None:
                raise BrowserError("Chromium closed the debugging pipe")
            self.events.append(message)

    def _next(self, deadline: float, method: str) -> dict:
        try:
            message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise BrowserError(f"no answer from Chromium to {method}") from None
        if message is None:
            raise BrowserError(f"Chromium closed the debugging pipe during {method} (exit code {self.process.poll()})")
        return message


def _launch(binary: str, profile: str, extra_flags: tuple[str, ...]) -> tuple[subprocess.Popen, int, int]:
    """Start Chromium with two pipes as its descriptors 3 (commands in) and 4 (replies out).

    The child's ends are first moved to descriptors >= 10 so bash's ``3<&N 4>&M`` can never
    overwrite one with the other (bash, not sh: dash only redirects descriptors 0-9).
    """
    to_browser_read, to_browser_write = os.pipe()
    from_browser_read, from_browser_write = os.pipe()
    child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)
    child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
    for fd in (to_browser_read, from_browser_write):
        os.close(fd)
    wiring = f'exec "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-'
    try:
        process = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", wiring, "bash", binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra_flags,
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(child_in, child_out),
        )
    finally:
        os.close(child_in)
        os.close(child_out)
    return process, to_browser_write, from_browser_read


def open_page(page: str | Path, screenshot: str | Path | None = None, *, width: int = 1400, height: int = 1800,
              timeout: float = 60, probes: dict[str, str] | None = None, before_screenshot: str = "",
              binary: str | None = None) -> PageCheck:
    """Load ``page`` offline, wait until it says it is ready, evaluate ``probes``, screenshot it."""
    binary = binary or find_chromium()
    if not binary:
        raise BrowserError("no Chromium found (install Debian's chromium package or set $CHROMIUM)")
    url = Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="mena-ner-chromium-") as profile:
        process, write_fd, read_fd = _launch(binary, profile, ())
        pipe = _Pipe(process, write_fd, read_fd)
        try:
            return _inspect(pipe, url, screenshot, width, height, timeout, probes or {}, before_screenshot)
        finally:
            _close(pipe, process, write_fd)


def _inspect(pipe: _Pipe, url: str, screenshot: str | Path | None, width: int, height: int, timeout: float,
             probes: dict[str, str], before_screenshot: str) -> PageCheck:
    target = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
    session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.call(f"{domain}.enable", session=session)
    pipe.call("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": -1}, session=session)
    pipe.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                     "mobile": False}, session=session)
    pipe.call("Page.navigate", {"url": url}, session=session, timeout=timeout)
    check = PageCheck()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check.ready = _evaluate(pipe, session, "document.body ? document.body.dataset.ready || '' : ''")
        if check.ready in ("yes", "error"):
            break
        pipe.wait(0.25)
    pipe.wait(0.5)  # late console messages
    check.facts = {name: _evaluate(pipe, session, expression) for name, expression in probes.items()}
    if screenshot:
        if before_screenshot:
            _evaluate(pipe, session, before_screenshot)
            pipe.wait(0.3)
        data = pipe.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=timeout)["data"]
        Path(screenshot).write_bytes(base64.b64decode(data))
        check.screenshot = Path(screenshot)
    check.console_errors, check.requests = _problems(pipe.events)
    return check


def _evaluate(pipe: _Pipe, session: str, expression: str):
    result = pipe.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        raise BrowserError(f"probe failed: {expression}: {result['exceptionDetails'].get('text')}")
    return result.get("result", {}).get("value")


def _problems(events: list[dict]) -> tuple[list[str], list[str]]:
    """Console errors and network requests found among the DevTools events."""
    errors, requests = [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(LOCAL_SCHEMES):
                requests.append(url)
    return errors, requests


def _close(pipe: _Pipe, process: subprocess.Popen, write_fd: int) -> None:
    try:
        pipe.call("Browser.close", timeout=5)
    except (BrowserError, OSError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    os.close(write_fd)


def main(argv: list[str]) -> int:
    """Check a report offline; optionally save a screenshot (how docs/report.png is made)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.report.browser", description=main.__doc__)
    parser.add_argument("page", type=Path)
    parser.add_argument("screenshot", type=Path, nargs="?")
    parser.add_argument("--size", default="1400x1800", help="viewport WIDTHxHEIGHT (default: %(default)s)")
    parser.add_argument("--tooltip", type=int, default=-1, metavar="N",
                        help="show the tooltip of the N-th highlight in the screenshot")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    reveal = (f"var m = document.querySelectorAll('article.doc:not([hidden]) mark.entity')[{args.tooltip}]; if (m) "
              "{m.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); m.classList.add('tip-open');}"
              if args.tooltip >= 0 else "")
    check = open_page(args.page, args.screenshot, width=width, height=height, before_screenshot=reveal)
    print(f"ready: {check.ready}; console errors: {len(check.console_errors)}; network requests: {len(check.requests)}")
    for problem in check.console_errors + check.requests:
        print(f"  ! {problem}")
    return 0 if check.ready == "yes" and not check.console_errors and not check.requests else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
