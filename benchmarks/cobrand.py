"""Benchmark: co-branded packs — posters and social cards for 10 to 3,321 units on this machine.

Run: .venv/bin/python benchmarks/cobrand.py [--quick]

What a user would otherwise do is lay each unit's copy out on its own (in Loa: a job per unit, the
path a unit with its own logo still takes; by hand: a designer's template filled in per commune).
The baseline row times that in one process for a sample of units and every topic, in CPU seconds
per unit; the batched builds are measured as `loa build --units` runs, wall clock and CPU of the
whole process tree, so the ratio compares CPU with CPU.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results import compile_loa, machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "campaigns" / "bao-ve-tre-em"
LOA = Path(sys.executable).parent / "loa"
SETTLE = 40.0
"""Seconds between deleting a run's output and starting the next run (see `build`)."""
_deleted = [-SETTLE]
"""When the last run's output was deleted (time.monotonic())."""
KINDS = {
    "posters": ("posters",),
    "cards": ("cards",),
    "posters + cards": ("posters", "cards"),
    "posters + cards + ZIP kits": ("posters", "cards", "press-kit"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 and 100 units only")
    args = parser.parse_args()
    counts = [10, 100] if args.quick else [10, 100, 1000, 3321]
    split_at = 100 if args.quick else 1000
    compile_loa()
    work = Path(tempfile.mkdtemp(prefix="loa-cobrand-"))
    try:
        rows = [build(work, count, "posters + cards") for count in counts]
        rows += [build(work, split_at, kind) for kind in ("posters", "cards", "posters + cards + ZIP kits")]
        alone = laid_out_alone(sample=3 if args.quick else 10)
        write_section("cobrand", report(rows, alone))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(Path(__file__).with_name("RESULTS.md").read_text(encoding="utf-8"))


def units_csv(work: Path, count: int) -> Path:
    path = work / f"units-{count}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "contact"])
        writer.writerows([f"{27000 + i}", f"UBND xã Thử Nghiệm {i}", f"Liên hệ: 0272 38{i:05d}"] for i in range(count))
    return path


def build(work: Path, count: int, kind: str) -> dict[str, object]:
    """Time one cold `loa build --units` of the chosen formats: wall, CPU of the process tree, peak RSS."""
    out = work / "out"
    # Each run starts with the disk settled: the previous run's gigabytes written out, not still
    # being flushed (or freed) while this one runs; and the previous run's files deleted long
    # enough ago. ext4 does not reuse an inode freed in the last 30 s while its block is cached, so
    # creating files right after deleting tens of thousands searches on and on: 28,000 files took
    # 10.6 s of system time just after a delete here, 2.0 s twenty seconds later and 1.2 s forty.
    os.sync()
    time.sleep(max(2.0, SETTLE - (time.monotonic() - _deleted[0])))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(LOA), "build", str(CAMPAIGN), "--out", str(out), "--units", str(units_csv(work, count)),
         "--formats", ",".join(KINDS[kind])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"loa build failed: {proc.stderr.read() if proc.stderr else ''}")
    packs = out / "don-vi"
    sizes = [p.stat().st_size for p in packs.rglob("*") if p.is_file() and p.parent != packs]
    shutil.rmtree(out, ignore_errors=True)
    _deleted[0] = time.monotonic()
    return {
        "kind": kind, "units": count, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
        "sys": usage.ru_stime, "rss": usage.ru_maxrss // 1024, "files": len(sizes),
        "bytes": sum(sizes), "load": load,
    }  # fmt: skip


def laid_out_alone(sample: int) -> dict[str, float]:
    """Return CPU seconds per unit (every topic) of each unit's posters and cards laid out alone."""
    from loa.build import with_units
    from loa.readers.campaign import read_campaign
    from loa.renderers.base import Job
    from loa.renderers.visuals.cards import CardRenderer
    from loa.renderers.visuals.posters import PosterRenderer

    work = Path(tempfile.mkdtemp(prefix="loa-alone-"))
    try:
        campaign = with_units(read_campaign(CAMPAIGN)[0], units_csv(work, sample))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = {}
    for name, renderer in (("posters", PosterRenderer()), ("cards", CardRenderer())):
        start = time.process_time()
        for unit in campaign.units:
            for topic in campaign.topics:
                renderer.render(campaign, Job(renderer.name, topic.id, unit=unit.code))
        found[name] = (time.process_time() - start) / sample
    found["posters + cards"] = found["posters"] + found["cards"]
    return found


def report(rows: list[dict[str, object]], alone: dict[str, float]) -> str:
    lines = [
        "## Co-branded packs",
        "",
        f"`.venv/bin/python benchmarks/cobrand.py` — {machine()}; `loa build --units` of the bundled campaign",
        "(14 topics) for generated communes, cold (the disk synced before each run, the previous run's output",
        f"deleted {SETTLE:.0f} s before it: see `build`), one run each. A unit's",
        "pack: A4 and A3 posters (PDF) and the Facebook feed card and Zalo cover (PNG, indexed) of every",
        "topic — 56 files. CPU is the whole process",
        "tree's (user + system); *laid out alone* is each unit's copy made on its own, in one process, for a",
        "sample of units: the CPU a unit costs without the shared work. The last row adds each unit's press",
        "kit (a ZIP of its pack, with a README and a manifest), as `loa build --units` makes by default.",
        "",
        "| products | units | seconds | units/s | CPU s per unit | vs laid out alone (CPU) | MB per unit | peak MiB | load before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        units = int(row["units"])  # type: ignore[call-overload]
        per_unit = float(row["cpu"]) / units  # type: ignore[arg-type]
        ratio = alone.get(str(row["kind"]), 0.0) / per_unit
        lines.append(
            f"| {row['kind']} | {units} | {float(row['seconds']):.1f} | {units / float(row['seconds']):.1f} "  # type: ignore[arg-type]
            f"| {per_unit:.3f} | {f'{ratio:.1f}×' if ratio else '—'} | {int(row['bytes']) / units / 1e6:.1f} | {row['rss']} | {float(row['load']):.1f} |"  # type: ignore[call-overload, arg-type]
        )
    lines += [
        "",
        "Laid out alone, CPU seconds per unit (every topic): "
        + ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in alone.items())
        + ".",
        "",
        "System time of the builds (the kernel's: mostly creating 56 files and writing their bytes per",
        "unit; on this machine's ext4 a file's creation costs several times more or less with the file",
        "system's recent history, see docs/architecture.md): "
        + ", ".join(f"{int(r['units'])} units {float(r['sys']) / int(r['units']):.3f} s per unit" for r in rows if r["kind"] == "posters + cards")  # type: ignore[call-overload, arg-type]
        + ".",
        *kits_line(rows),
    ]
    return "\n".join(lines)


def kits_line(rows: list[dict[str, object]]) -> list[str]:
    """Return what the units' ZIP kits add to the posters and cards of as many units, in one sentence."""
    seconds = {(r["kind"], r["units"]): float(r["seconds"]) for r in rows}  # type: ignore[arg-type]
    kits = [(kind, units) for kind, units in seconds if kind == "posters + cards + ZIP kits"]
    if not kits or ("posters + cards", kits[0][1]) not in seconds:
        return []
    units = int(kits[0][1])  # type: ignore[call-overload]
    added = seconds[kits[0]] - seconds["posters + cards", kits[0][1]]
    return ["", f"The units' ZIP kits add {added:.1f} s to the posters and cards of {units} units ({added / units * 1000:.1f} ms per kit)."]


if __name__ == "__main__":
    main()
