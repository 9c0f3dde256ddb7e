"""Measure how many weeks per second Play shows in a real browser, with the network drawn.

    python -m sim.viz.measure_speed [--residents 500] [--seconds 15] [--speed 20] [--scenario centre-sud]

Starts ``caring-community viz`` on a free port, opens the page in headless Debian chromium (the
same flags as the tests: no network), sets the speed slider, presses Play and counts, in the page
itself, every week the counter shows (a MutationObserver on the counter) while the network
picture is on screen. Prints weeks per second as shown by the browser, and how many of those
weeks were drawn.
"""

from __future__ import annotations

import argparse
import json
import time

OBSERVER = """
() => {
  window.__weeks = [];
  window.__frames = 0;
  const el = document.querySelector('.cc-week');
  const net = document.querySelector('.cc-network');
  new MutationObserver(() => window.__weeks.push([performance.now(), +el.getAttribute('data-week')]))
    .observe(el, {attributes: true, attributeFilter: ['data-week']});
  new MutationObserver(() => { window.__frames += 1; }).observe(net, {childList: true, subtree: false});
}
"""


def set_speed(page, speed: int) -> None:
    """Move the page's speed slider to ``speed`` weeks per second, as a keyboard user would."""
    slider = page.locator(".cc-controls [role=slider]").first
    slider.focus()
    current = int(slider.get_attribute("aria-valuenow"))
    key = "ArrowRight" if speed > current else "ArrowLeft"
    for _ in range(abs(speed - current)):
        page.keyboard.press(key)
    deadline = time.monotonic() + 10
    while int(slider.get_attribute("aria-valuenow")) != speed and time.monotonic() < deadline:
        time.sleep(0.05)


def measure(url: str, seconds: float = 15.0, speed: int = 20, warmup: float = 2.0) -> dict:
    """Play the page at ``url`` in a browser of its own: :func:`measure_in`."""
    from playwright.sync_api import sync_playwright

    from .browser import launch

    with sync_playwright() as p:
        browser = launch(p)
        try:
            return measure_in(browser, url, seconds, speed, warmup)
        finally:
            browser.close()


def measure_in(browser, url: str, seconds: float = 15.0, speed: int = 20, warmup: float = 2.0) -> dict:
    """Play the page at ``url`` in a new page of ``browser`` for ``warmup + seconds`` seconds; the weeks
    per second it showed after the warm-up, how many network redraws and residents it drew, and its
    console errors and external requests (both should be empty)."""
    from .browser import RESIDENT_MARKS, open_page

    page = open_page(browser, url)
    try:
        residents = page.locator(RESIDENT_MARKS).count()
        set_speed(page, speed)
        page.evaluate(OBSERVER)
        page.click(".cc-play")
        time.sleep(warmup + seconds)
        page.click(".cc-play")
        weeks = page.evaluate("window.__weeks")
        frames = page.evaluate("window.__frames")
        errors, external = list(page.errors), list(page.external)
    finally:
        page.context.close()
    start = next((i for i, (ms, _) in enumerate(weeks) if ms - weeks[0][0] >= warmup * 1000), 0) if weeks else 0
    window = weeks[start:]
    if len(window) < 2:
        rate = 0.0
    else:
        rate = (window[-1][1] - window[0][1]) / ((window[-1][0] - window[0][0]) / 1000.0)
    return {"weeks_per_second": round(rate, 2), "weeks_shown": len(window),
            "weeks_advanced": (window[-1][1] - window[0][1]) if len(window) >= 2 else 0,
            "network_redraws": frames, "residents_drawn": residents, "speed_setting": speed,
            "console_errors": errors, "external_requests": external}


def main(argv: list[str] | None = None) -> int:
    from .browser import serve

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=500, help="workshop size (default 500)")
    ap.add_argument("--seconds", type=float, default=15.0, help="seconds measured after a 2 s warm-up (default 15)")
    ap.add_argument("--speed", type=int, default=20, help="the page's speed slider (weeks per second asked for; default 20)")
    ap.add_argument("--scenario", default="centre-sud", help="preset name or YAML file (default centre-sud)")
    args = ap.parse_args(argv)
    with serve(args.scenario, lang="en", residents=args.residents) as url:
        result = measure(url, args.seconds, args.speed)
    result["residents"] = args.residents
    print(json.dumps(result, indent=2))
    print(f"Play shows {result['weeks_per_second']:.1f} weeks per second in the browser with "
          f"{result['residents_drawn']} residents drawn (speed slider at {args.speed}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
