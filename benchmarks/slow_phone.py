"""A cheap phone on a slow line, in Playwright's chromium: what a page load transfers and when the page is usable.

Shared by benchmarks/page_weight.py (throttled to issue 16's 3G profile, with timings) and the browser test that
holds the job list's weight (tests/e2e/test_page_weight.py; bytes only, which do not depend on the line's speed).
"""

import json
from dataclasses import dataclass, field

# Issue 16's 3G profile: 400 kbps down and up, 400 ms round trip (Chrome DevTools' "Slow 3G" figures).
THREE_G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}

# Set on every page before its first byte arrives: the largest contentful paint so far, and the first animation frame
# (just before a paint) at which the page's main content has a box on screen.
_WATCH_SCRIPT = """
window.__phone = {lcp: null, mainContent: null};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__phone.lcp = entry.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
(function watch(selector) {
  const element = document.querySelector(selector);
  const box = element && element.getBoundingClientRect();
  if (box && box.width > 0 && box.height > 0 && box.top < innerHeight) {
    window.__phone.mainContent = performance.now();
  } else {
    requestAnimationFrame(() => watch(selector));
  }
})(SELECTOR);
"""


@dataclass
class Transfer:
    """What the page's own requests brought over the wire: each finished response's `encodedDataLength` (headers and
    compressed body, as DevTools' "transferred"), and how many responses there were."""

    bytes: int = 0
    responses: int = 0
    urls: list[str] = field(default_factory=list)

    def on_response(self, event):
        self.responses += 1
        self.urls.append(event["response"]["url"])

    def on_finished(self, event):
        self.bytes += int(event["encodedDataLength"])


def watch_network(page, *, conditions=None):
    """Count what `page` transfers from now on, on the line `conditions` (DevTools' `emulateNetworkConditions`
    parameters; unthrottled when None). Returns the `Transfer`, filled in as the page loads."""
    session = page.context.new_cdp_session(page)
    transfer = Transfer()
    session.on("Network.responseReceived", transfer.on_response)
    session.on("Network.loadingFinished", transfer.on_finished)
    session.send("Network.enable")
    if conditions:
        session.send("Network.emulateNetworkConditions", conditions)
    return transfer


def watch_timings(page, *, main_content):
    """Record the largest contentful paint and when the element `main_content` (a CSS selector) is first on screen;
    read them with `timings(page)` after the load."""
    page.add_init_script(_WATCH_SCRIPT.replace("SELECTOR", json.dumps(main_content)))


def timings(page):
    """Milliseconds from the start of navigation: DOMContentLoaded, load, largest contentful paint and main content
    on screen (None for one that did not happen)."""
    page.wait_for_function("window.__phone.mainContent !== null && window.__phone.lcp !== null")
    return page.evaluate(
        """() => {
          const navigation = performance.getEntriesByType("navigation")[0];
          return {
            dom_content_loaded: navigation.domContentLoadedEventEnd,
            load: navigation.loadEventEnd,
            lcp: window.__phone.lcp,
            main_content: window.__phone.mainContent,
          };
        }"""
    )
