"""The explorer and the report at a build's size: the explorer's first paint and a search for a
source's name in headless Chromium, and the report's time and size.

python -m bench.views OUT   (OUT: a build folder; needs Debian's chromium)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def explorer_timings(page_file: Path) -> dict[str, float]:
    """Milliseconds from navigation to the first paint, and from typing the most frequent
    source's name to the claims table showing only its rows."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-painted]", state="attached", timeout=120_000)
        painted = float(page.evaluate("document.body.dataset.painted"))
        data = json.loads(page.evaluate("document.getElementById('graph-data').textContent"))
        counts: dict[str, int] = {}
        for node in data["nodes"]:
            if node["kind"] == "Claim":
                counts[node["info"]["source"]] = counts.get(node["info"]["source"], 0) + 1
        source = max(counts, key=counts.get)
        page.locator("#tab-table").click()
        total = int(page.evaluate("document.body.dataset.visibleClaims"))
        start = page.evaluate("performance.now()")
        page.locator("#search").fill(source)
        while int(page.evaluate("document.body.dataset.visibleClaims")) >= total:
            if page.evaluate("performance.now()") - start > 30_000:
                break
        search = page.evaluate("performance.now()") - start
        browser.close()
    return {"paint": painted, "search": search, "claims": total, "source": source}


def main(argv: list[str]) -> None:
    out = Path(argv[0]).resolve()
    timings = explorer_timings(out / "explorer.html")
    start = time.time()
    subprocess.run([sys.executable, "-m", "claimgraph.cli", "report", "-g", str(out / "graph.trig"),
                    "--out", str(out / "report.html")], check=True, capture_output=True)
    seconds = time.time() - start
    size = (out / "report.html").stat().st_size / 2**20
    print("| explorer first paint | search for a source's name | report written | report size | explorer size |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {timings['paint'] / 1000:.2f} s | {timings['search']:.0f} ms ({timings['source']}, {timings['claims']:,} claims "
          f"on the page) | {seconds:.1f} s | {size:.1f} MB | {(out / 'explorer.html').stat().st_size / 2**20:.1f} MB |")


if __name__ == "__main__":
    main(sys.argv[1:])
