"""Run the full authorization matrix (G3) and record the figures.

    .venv/bin/python scripts/drills/authz_matrix.py [--database-url postgres://…] [--no-write]

Runs tests/web/test_web_authz_matrix.py with LOA_FULL_MATRIX=1 in a child process, prints the
counts and writes the *Authorization matrix* part of the `web-security` section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from upload_corpus import machine, run_tests, table, write_part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL for the test database (default: SQLite)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    figures, elapsed = run_tests(
        "tests/web/test_web_authz_matrix.py", {"LOA_FULL_MATRIX": "1"}, database_url=args.database_url
    )
    print(json.dumps(figures, indent=1))
    print(f"wall time {elapsed:.1f} s")
    if figures["exit"] != 0:
        sys.exit("the matrix failed: see above")
    if not args.no_write:
        write_part("Authorization matrix (G3)", _markdown(figures, elapsed, args.database_url))


def _markdown(f: dict[str, Any], elapsed: float, database_url: str | None) -> str:
    database = "PostgreSQL" if database_url else "SQLite"
    statuses = ", ".join(f"{k}: {v}" for k, v in f["statuses"].items())
    figures = table(
        ["requests", "on foreign objects", "cross-tenant successes", "denials", "denials not logged", "time"],
        [
            f"{f['requests']:,}",
            f"{f['foreign_requests']:,}",
            f["cross_tenant_successes"],
            f"{f['denials']:,}",
            f["unlogged_denials"],
            f"{f['seconds']:.0f} s (run {elapsed:.0f} s)",
        ],
    )
    return f"""`.venv/bin/python scripts/drills/authz_matrix.py` — {machine()}, {database}, shared machine.

Every URL pattern of the project ({f["url_patterns"]}, walked from the resolver) × {f["users"]} users
(issuer administrator, provincial and commune leaders, school and commune reporters and a disabled
user in each of two provinces; a user without a role, an administrator without TOTP, anonymous) ×
objects of both provinces × 7 verbs (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS), with the Django
test client in-process.

{figures}

Statuses: {statuses}. Lists and the CSV, XLSX and DOCX exports are parsed for names of foreign
units, reports, dispatches and accounts: 0 found. Target G3: ≥ 20,000 requests, 0 cross-tenant
successes, foreign objects 404, every denial logged (`loa.web.access`)."""


if __name__ == "__main__":
    main()
