"""Post the whole malicious upload corpus (G6) through the report page and record the figures.

    .venv/bin/python scripts/drills/upload_corpus.py [--database-url postgres://…] [--no-write]

Runs tests/web/test_web_upload_corpus.py with LOA_FULL_CORPUS=1 in a child process (bounded by a
timeout), prints the counts, the slowest rejection and the child's peak RSS, and writes the
*Malicious upload corpus* part of the `web-security` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "benchmarks")]

from results import RESULTS, machine, write_section  # noqa: E402

SECTION = "web-security"
TIMEOUT = 1200


def run_tests(test: str, env: dict[str, str], *, database_url: str | None) -> tuple[dict[str, Any], float]:
    """Run one test file in a child pytest with a summary file; return the summary and the wall time."""
    with tempfile.TemporaryDirectory(prefix="loa-drill-") as tmp:
        summary = Path(tmp) / "summary.json"
        child_env = (
            os.environ | env | {"LOA_CORPUS_SUMMARY": str(summary), "LOA_MATRIX_SUMMARY": str(summary)}
        )
        if database_url:
            child_env["LOA_TEST_DATABASE_URL"] = database_url
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=child_env, timeout=TIMEOUT, check=False)
        elapsed = time.perf_counter() - started
        if not summary.exists():
            sys.exit(f"{test} wrote no summary (exit {result.returncode})")
        figures = json.loads(summary.read_text(encoding="utf-8"))
        figures["exit"] = result.returncode
        return figures, elapsed


def write_part(heading: str, markdown: str) -> None:
    """Replace one `### heading` part of the web-security section, keeping the other parts."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    found = re.search(rf"<!-- begin:{SECTION} -->\n(.*?)\n<!-- end:{SECTION} -->", text, re.S)
    body = found.group(1) if found else "## Web security drills"
    parts = re.split(r"(?m)^(?=### )", body)
    intro, kept = parts[0].rstrip(), [p.rstrip() for p in parts[1:] if not p.startswith(f"### {heading}\n")]
    new = f"### {heading}\n\n{markdown.strip()}"
    write_section(SECTION, "\n\n".join([intro, *sorted([*kept, new])]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL for the test database (default: SQLite)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    figures, elapsed = run_tests(
        "tests/web/test_web_upload_corpus.py", {"LOA_FULL_CORPUS": "1"}, database_url=args.database_url
    )
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    print(f"wall time {elapsed:.1f} s, peak RSS of the child {child_rss:.0f} MiB")
    if figures["exit"] != 0:
        sys.exit("the corpus test failed: see above")
    if not args.no_write:
        write_part("Malicious upload corpus (G6)", _markdown(figures, elapsed, args.database_url))


def table(header: list[str], row: list[object]) -> str:
    """A one-row Markdown table, numbers right-aligned."""
    lines = [header, ["---:"] * len(header), [str(cell) for cell in row]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _markdown(f: dict[str, Any], elapsed: float, database_url: str | None) -> str:
    database = "PostgreSQL" if database_url else "SQLite"
    statuses = ", ".join(f"{k}: {v}" for k, v in f["statuses"].items())
    figures = table(
        [
            "files",
            "malicious",
            "rejected 4xx",
            "5xx",
            "tricky accepted clean",
            "tricky rejected",
            "slowest rejection",
            "peak RSS",
            "wall time",
        ],
        [
            f"{f['uploads']:,}",
            f"{f['malicious']:,}",
            f"{f['rejected']:,}",
            f["server_errors"],
            f["accepted_clean"],
            f["tricky_rejected"],
            f"{f['slowest_rejection_s']:.2f} s",
            f"{f['peak_rss_mib']:.0f} MiB",
            f"{elapsed:.0f} s",
        ],
    )
    return f"""`.venv/bin/python scripts/drills/upload_corpus.py` — {machine()}, {database}, shared machine.

The corpus is made at test time (`tests/web/upload_corpus.py`) and posted through the report page's
photo upload as a unit reporter (Django test client, in-process, photo limit 2 MiB).

{figures}

Statuses: {statuses}. Slowest rejection: {f["slowest"]}. Target G6: 100% of malicious files
rejected with 4xx, 0 5xx, each rejection < 2 s, peak RSS < 512 MiB (the whole test process: Django,
the test database and the corpus in memory)."""


if __name__ == "__main__":
    main()
