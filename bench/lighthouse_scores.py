"""Lighthouse scores for eight main pages, on the phone Lighthouse emulates by default.

The app is served on a local port with the demo data and a demo caregiver a few weeks in
(bench/sample_caregiver.py); the pages behind log-in are opened with that caregiver's session
cookie, the others as a visitor. Scores are not timings, so the targets are absolute: 100 for
accessibility, best practices and SEO, 98 or more for performance. Performance moves with the
machine's load, so each page is scored twice and the better performance score counts; the
other categories do not depend on timing and come from the first run. A page that misses a
target names the audits that cost it points. Lighthouse is pinned in bench/lighthouse/
(``make bench`` runs ``npm ci`` there the first time).
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from bench import format_columns
from bench.chromium import CHROMIUM, CHROMIUM_FLAGS
from bench.journal import logged_in_client
from bench.live_server import LiveServer
from bench.sample_caregiver import PASSWORD, demo_caregiver

PUBLIC_PAGES = ("/", "/help", "/guidance/", "/meetings/")
OWN_PAGES = ("/dashboard", "/journal/", "/progress", "/account")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
LIGHTHOUSE = Path(__file__).parent / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
TIMEOUT_S = 180
# Set to a folder to keep every JSON report there, for reading the audits behind a score.
KEEP_REPORTS = os.environ.get("BENCH_LIGHTHOUSE_REPORTS", "")
HEADER = ("page", "performance", "accessibility", "best practices", "SEO", "targets met")


@dataclass
class PageScores:
    """One page's scores (0 to 100) by category, and the audits behind any missed target."""

    page: str
    scores: dict[str, int]
    misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.misses)

    @property
    def verdict(self) -> str:
        if not self.misses:
            return "ok"
        return "; ".join(f"{name}: {', '.join(audits)}" for name, audits in self.misses.items())


def unavailable() -> str | None:
    """Why Lighthouse cannot run here, or None when it can."""
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed (make bench runs npm ci in bench/lighthouse)"
    if not (os.environ.get("CHROME_PATH") or CHROMIUM):
        return "no Chromium found (apt-get install chromium)"
    return None


@dataclass
class Lighthouse:
    """Runs Lighthouse with the phone's clock in ``zone``, writing its reports into ``work``.

    The zone is the app's default one: a visitor's meeting list reloads itself in the phone's
    own timezone, so a machine on another clock would score that second load instead.
    """

    work: Path
    zone: str

    def report(self, url: str, categories: list[str], headers: Path) -> dict:
        """Run Lighthouse once on ``url`` with the request headers in ``headers``; its report."""
        out = self.work / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(categories)}",
            f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_FLAGS])}",
            "--disable-full-page-screenshot",
            f"--extra-headers={headers}",
        ]
        chrome = os.environ.get("CHROME_PATH") or CHROMIUM
        env = {**os.environ, "CHROME_PATH": chrome, "TZ": self.zone}
        subprocess.run(command, env=env, check=True, timeout=TIMEOUT_S)  # noqa: S603 - ours
        found = json.loads(out.read_text())
        if found["mainDocumentUrl"] != url:  # a lost session would score the log-in page
            raise RuntimeError(f"Lighthouse asked for {url} but got {found['mainDocumentUrl']}")
        if KEEP_REPORTS:
            keep = Path(KEEP_REPORTS)
            keep.mkdir(parents=True, exist_ok=True)
            name = urlsplit(url).path.strip("/").replace("/", "-") or "landing"
            (keep / f"{name}-{'-'.join(categories)}.json").write_text(out.read_text())
        return found

    def score(self, url: str, page: str, headers: Path) -> PageScores:
        """All four categories once, then performance again; the better performance counts."""
        first = self.report(url, list(TARGETS), headers)
        again = self.report(url, ["performance"], headers)
        fastest = max(first, again, key=lambda report: _score(report, "performance"))
        scores = {name: _score(first, name) for name in TARGETS}
        scores["performance"] = _score(fastest, "performance")
        misses = {
            name: _costly_audits(fastest if name == "performance" else first, name)
            for name, target in TARGETS.items()
            if scores[name] < target
        }
        return PageScores(page, scores, misses)


def _score(report: dict, category: str) -> int:
    return round(report["categories"][category]["score"] * 100)


def _costly_audits(report: dict, category: str) -> list[str]:
    """The weighted audits of a category that did not get full marks, with what they found."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = audit.get("displayValue")
            found.append(f"{ref['id']} ({shown})" if shown else ref["id"])
    return found


def run(app: Flask) -> list[PageScores]:
    """Serve ``app`` (an empty database) with the demo data and score every page."""
    email = demo_caregiver(app)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookie = logged_in_client(app, email, PASSWORD).get_cookie(cookie_name).value
    with LiveServer(app) as server, tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        app.config["BASE_URL"] = server.url
        lighthouse = Lighthouse(Path(tmp), app.config["DEFAULT_TIMEZONE"])
        visitor, caregiver = Path(tmp) / "visitor.json", Path(tmp) / "caregiver.json"
        visitor.write_text("{}")
        # A file rather than the command line: the session cookie stays out of the process list.
        caregiver.write_text(json.dumps({"Cookie": f"{cookie_name}={cookie}"}))
        results = []
        for page in PUBLIC_PAGES + OWN_PAGES:
            print(f"bench: Lighthouse on {page} ...", flush=True)
            headers = visitor if page in PUBLIC_PAGES else caregiver
            results.append(lighthouse.score(server.url + page, page, headers))
    return results


def format_scores(results: list[PageScores]) -> str:
    """The scores table; the last column says which targets a page missed and why."""
    lines = [
        (result.page, *(str(result.scores[name]) for name in TARGETS), result.verdict)
        for result in results
    ]
    targets = ", ".join(f"{name} >= {target}" for name, target in TARGETS.items())
    table = format_columns(HEADER, lines, numeric={1, 2, 3, 4})
    return f"Lighthouse, mobile (targets: {targets})\n{table}"
