"""What every journey step checks besides its own words: no serious accessibility fault, and a screenshot kept.

axe-core comes from npm (package.json; `npm ci` puts it in node_modules/) and is injected from that file, so the
browser never reaches the internet. Screenshots go to var/screenshots/<journey>/NN-<step>.png, where
docs/journeys.md's pictures are copied from.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
BLOCKING_IMPACTS = {"critical", "serious"}


def accessibility_violations(page):
    """axe-core's critical and serious violations on the page as it is now, as 'rule: selector' lines."""
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci` (.ci/run and `make test` do)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the page's CSP forbids inline script.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]


class Journey:
    """One role's walk through the portal: `journey.step(page, "search")` after each step's own assertions
    saves the screenshot and fails on a serious accessibility violation."""

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def step(self, page, label):
        self.count += 1
        self._screenshot(page, self.folder / f"{self.count:02d}-{label}.png")
        violations = accessibility_violations(page)
        assert violations == [], f"{self.name} step {self.count} ({label}) at {page.url}: {violations}"

    @staticmethod
    def _screenshot(page, path):
        """The whole page as one picture. The viewport is stretched to the page's height for it, so that what is
        fixed or sticky to the bottom of the screen (the tab bar) is drawn at the bottom, not across the middle."""
        viewport = page.viewport_size
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
        try:
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(viewport)
