"""Helpers to serve the page and drive a real browser (for the tests and :mod:`sim.viz.measure_speed`).

The browser is Debian's ``chromium`` driven by Playwright's Python API; it is never downloaded
(``playwright install`` is not used) and runs with the flags that keep it off the network.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("CC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
#: Every resident's mark in the network picture, one element each (a dot, square, diamond or triangle).
RESIDENT_MARKS = ".cc-network svg g[data-shape] > *"


def free_port() -> int:
    """A port on 127.0.0.1 that no program listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Return once ``url`` answers 200; a TimeoutError after ``timeout`` seconds, a RuntimeError as soon
    as the server ``proc`` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"no answer from {url} after {timeout:.0f} s")


@contextmanager
def serve(scenario: str = "centre-sud", lang: str = "en", residents: int = 500, port: int | None = None,
          log: Path | None = None, env: dict[str, str] | None = None):
    """Start ``caring-community viz`` on a free port; yields its URL and stops it afterwards.
    ``env``: variables added to the server's environment (e.g. ``CC_VIZ_DEBUG_MEMORY``)."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "sim.cli", "viz", scenario, "--lang", lang, "--port", str(port),
           "--host", "127.0.0.1", "--residents", str(residents)]
    root = Path(__file__).resolve().parents[2]
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc=proc)
        yield url
    finally:
        _stop_group(proc)
        if log:
            out.close()


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop the command and the server it started (they share a process group of their own)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            time.sleep(0.2)
        except subprocess.TimeoutExpired:
            continue
        try:
            os.killpg(proc.pid, 0)          # the server may still be finishing
        except ProcessLookupError:
            return


def launch(playwright):
    """Headless Debian chromium, kept off the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def is_local(url: str) -> bool:
    """Whether loading ``url`` stays on this machine (a loopback host, or a data:, blob: or about: URL)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


def week_on_page(page) -> int:
    """The week counter as the page shows it."""
    return int(page.locator(".cc-week").get_attribute("data-week"))


def new_context(browser, width: int = 1920, height: int = 1080):
    """A browser context (like a separate browser: its own cookies and cache) at projector size."""
    return browser.new_context(viewport={"width": width, "height": height})


def open_page(target, url: str, width: int = 1920, height: int = 1080, reduced_motion: str | None = None):
    """A new page on ``url`` that records external requests and console errors.

    ``target`` is a browser (the page gets a context of its own) or a context (the page shares
    its cache, like another tab). Requests to any host other than this machine are aborted and
    listed in ``page.external``; console errors and page errors are listed in ``page.errors``.
    ``reduced_motion`` (``"reduce"``): the browser asks for reduced motion from the start.
    """
    context = new_context(target, width, height) if hasattr(target, "new_context") else target
    page = context.new_page()
    page.external = []
    page.errors = []

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            page.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    if reduced_motion:
        page.emulate_media(reduced_motion=reduced_motion)
    page.goto(url)
    page.wait_for_selector(".cc-week", timeout=60000)
    page.wait_for_selector(".cc-network svg circle", timeout=60000)
    return page
