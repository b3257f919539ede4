"""The development set in the two forms it is not shipped in: one JSON Lines file (from the
front-matter texts, each record's id its file name) and one gzipped WARC (the HTML pages, each a
response at https://pages.example/NAME), with a copy of the gold keyed by those URLs.

python -m bench.variants VARIANTS OUT   (VARIANTS: ../shared/dev/variants)
then: python3 SCORER GOLD OUT/dev-jsonl ... and OUT/dev-warc.json OUT/dev-warc (a scorer that
copies every file, not only .txt)"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE_ROOT = "https://pages.example/"


def write_jsonl(front_matter: Path, out: Path) -> None:
    lines = []
    for path in sorted(front_matter.glob("*.txt")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = {key: str(value) if key == "date" else value for key, value in yaml.safe_load(head).items()}
        lines.append(json.dumps({"id": path.name, "text": body.lstrip("\n"), **meta}, ensure_ascii=False))
    out.mkdir(parents=True, exist_ok=True)
    (out / "dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_warc(pages: Path, out: Path) -> dict[str, str]:
    """The pages as WARC responses; returns each text's file name -> its record's URL."""
    urls = {}
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "dev.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for page in sorted(pages.glob("*.html")):
            url = PAGE_ROOT + page.stem
            urls[page.stem + ".txt"] = url
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.read_bytes()),
                                                          http_headers=headers))
    return urls


def rekeyed(value, names: dict[str, str]):
    """The gold with every file name (as a key or a value) replaced by its URL."""
    if isinstance(value, dict):
        return {names.get(key, key): rekeyed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [rekeyed(item, names) for item in value]
    return names.get(value, value) if isinstance(value, str) else value


def main(variants: Path, out: Path) -> None:
    write_jsonl(variants / "dev-fm", out / "dev-jsonl")
    urls = write_warc(variants / "dev-html", out / "dev-warc")
    gold = json.loads((variants.parent / "gold.json").read_text(encoding="utf-8"))
    (out / "dev-warc.json").write_text(json.dumps(rekeyed(gold, urls)), encoding="utf-8")
    print(f"{out / 'dev-jsonl'} (gold: {variants.parent / 'gold.json'}), {out / 'dev-warc'} (gold: {out / 'dev-warc.json'})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
