"""Lighthouse (mobile) on the four pages of issue 16's "done when": /, /jobs/, a posting and /trips/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_demo REDIS_URL=redis://127.0.0.1:6379/1 DEBUG=true \
        flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/lighthouse.py

Fills the (migrated) database with the demo data (`seed_demo`, idempotent), serves the portal as in production
(gunicorn, DEBUG off; benchmarks/served.py) and runs Lighthouse from npm, pinned in
benchmarks/lighthouse/package.json and installed there by this script (`npm ci`, kept out of the root package.json
that CI installs), with Debian's chromium, the mobile form factor and its default throttling (simulated slow 4G, 4x
slower CPU), and a Chinese Accept-Language. Prints the four category scores of each page and every weighed audit
below a full score. Lighthouse's performance score moves with the machine's load: the load average is printed with
it. """

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from re import search

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from benchmarks.served import gunicorn  # noqa: E402
from portal.demo import seed_demo  # noqa: E402

LIGHTHOUSE_DIR = Path(__file__).with_name("lighthouse")
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def install_lighthouse():
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LIGHTHOUSE_DIR, check=True)


def first_posting(base):
    html = urllib.request.urlopen(base + "/jobs/").read().decode()
    return search(r'class="job-card__link" href="(/jobs/\d+/)"', html).group(1)


def lighthouse(url):
    """The report of one Lighthouse run on `url`, as parsed JSON."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                LIGHTHOUSE,
                url,
                "--quiet",
                "--form-factor=mobile",
                f"--chrome-flags={CHROME_FLAGS}",
                "--extra-headers",
                json.dumps({"Accept-Language": "zh-CN,zh;q=0.9"}),
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            check=True,
        )
        return json.loads(report.read_text())


def shortfalls(report):
    """'category: audit (score, value)' for every audit that counts towards a category and scored below 1."""
    lines = []
    for category_id, category in report["categories"].items():
        for reference in category["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                lines.append(f"{category_id}: {audit['id']} ({audit['score']}{', ' + value if value else ''})")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs of each page (each one printed)")
    parser.add_argument("--port", type=int, default=8107)
    options = parser.parse_args()

    install_lighthouse()
    seed_demo()
    version = subprocess.run([LIGHTHOUSE, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    rows, notes = [], []
    with gunicorn(options.port) as base:
        pages = ["/", "/jobs/", first_posting(base), "/trips/"]
        for path in pages:
            for _run in range(options.runs):
                load = os.getloadavg()[0]
                report = lighthouse(base + path)
                scores = [round(report["categories"][category]["score"] * 100) for category in CATEGORIES]
                rows.append((path, scores, load))
                notes += [f"{path}: {line}" for line in shortfalls(report)]

    print(f"\nLighthouse {version}, mobile (simulated slow 4G, 4x CPU slowdown), Accept-Language zh-CN, chromium")
    print("\n| page | performance | accessibility | best practices | SEO | load average (1 min) |")
    print("|---|---:|---:|---:|---:|---:|")
    for path, scores, load in rows:
        print(f"| `{path}` | " + " | ".join(str(score) for score in scores) + f" | {load:.2f} |")
    print("\n" + ("\n".join(notes) if notes else "every weighed audit scored in full"))
    sys.exit(0 if all(score == 100 for _path, scores, _load in rows for score in scores) else 1)


if __name__ == "__main__":
    main()
