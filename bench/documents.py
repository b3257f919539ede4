"""The development set as agencies publish it: each text typeset as a justified two-column PDF
report in 12-point type (a running header, a page-numbered footer, fi/fl ligatures, words
hyphenated at line ends, the columns' lines drawn alternately) and written as a Word document
(with a header and a footer the reader must leave out), each folder with its metadata.csv, and a
copy of the gold keyed by the new file names.

python -m bench.documents DEV_CSV OUT   (DEV_CSV: ../shared/dev/variants/dev-csv)
then: python3 SCORER OUT/dev-pdf.json OUT/dev-pdf --project .   (and dev-docx)"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from bench.variants import rekeyed
from tests.typeset import Layout, typeset_docx, typeset_pdf


def title_and_paragraphs(path: Path) -> tuple[str, list[str]]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0], lines[1:]


def write_documents(plain: Path, out: Path, suffix: str) -> dict[str, str]:
    """Every text of plain/ as a .pdf or .docx in out/, with metadata.csv renamed; returns old -> new names."""
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    for path in sorted(plain.glob("*.txt")):
        title, paragraphs = title_and_paragraphs(path)
        target = out / f"{path.stem}{suffix}"
        if suffix == ".pdf":
            typeset_pdf(target, title, paragraphs, Layout(columns=2, size=12, leading=15, justify=True, header=f"{path.stem.upper()} | {title[:50]}",
                                                          footer="Page {page}", interleave=True))
        else:
            typeset_docx(target, title, paragraphs, header=f"{path.stem.upper()} draft", footer="Page 1")
        names[path.name] = target.name
    with open(plain / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(out / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        table = csv.DictWriter(handle, fieldnames=list(rows[0]))
        table.writeheader()
        table.writerows({**row, "file": names.get(row["file"], row["file"])} for row in rows)
    return names


def main(plain: Path, out: Path, gold: Path) -> None:
    gold_data = json.loads(gold.read_text(encoding="utf-8"))
    for suffix in (".pdf", ".docx"):
        names = write_documents(plain, out / f"dev{suffix.replace('.', '-')}", suffix)
        (out / f"dev{suffix.replace('.', '-')}.json").write_text(json.dumps(rekeyed(gold_data, names)), encoding="utf-8")
    print(f"{out}/dev-pdf, {out}/dev-docx with their gold beside them")


if __name__ == "__main__":
    plain = Path(sys.argv[1])
    main(plain, Path(sys.argv[2]), plain.parent.parent / "gold.json")
