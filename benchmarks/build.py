"""Benchmark: a full Loa build of the bundled campaign against Pandoc and Marp on the same content.

Run: .venv/bin/python benchmarks/build.py
Needs: pypandoc-binary (pip) for Pandoc; `npm install` in benchmarks/ and Chromium for Marp.
Quarto cannot be installed offline (its PyPI package downloads the program at install time), so
Pandoc, which Quarto drives for HTML, DOCX and PPTX, stands in for it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


sys.path.insert(0, str(Path(__file__).parent))
from results import compile_loa, machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "campaigns" / "bao-ve-tre-em"
LOA = Path(sys.executable).parent / "loa"
MARP = Path(__file__).parent / "node_modules" / ".bin" / "marp"
SKIP_FORMATS = {"video", "bulletin"}  # video has its own benchmark
NOOP_RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    compile_loa()
    work = Path(tempfile.mkdtemp(prefix="loa-bench-"))
    try:
        sources = export_markdown(work / "md")
        rows = [
            loa_build(work, "Loa: all products but video, + portal (cold)", formats(), "all"),
            loa_build(work, "Loa: articles HTML + DOCX + PDF per topic × audience, PPTX decks", list(EQUIVALENT), "equivalent"),
            loa_build(work, "Loa: decks → PDF handout", ["slides-handout"], "decks-pdf"),
            loa_build(work, "Loa: decks → editable PPTX", ["slides-pptx"], "decks-pptx"),
            loa_build(work, "Loa: decks → PDF handout + editable PPTX (one run)", list(DECKS), "decks"),
            *({**r, "against": "equivalent"} for r in pandoc_runs(sources, work)),
            *marp_runs(work),
        ]
        slides = loa_slides(work)
        for row in rows[2:5]:
            row["slides"] = slides
        rebuild = loa_rebuilds(work)
        write_section("build", report(rows, rebuild, len(sources)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print((Path(__file__).with_name("RESULTS.md")).read_text(encoding="utf-8"))


# --- Loa ------------------------------------------------------------------------------------


def formats() -> list[str]:
    out = subprocess.run([str(LOA), "formats"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0] not in SKIP_FORMATS]


def run_loa(*args: str) -> tuple[float, int, str]:
    """Return (seconds, peak RSS in MiB of the child, stdout) of one loa command."""
    start = time.perf_counter()
    env = {**os.environ, "COLUMNS": "400"}  # one summary line, not wrapped
    proc = subprocess.Popen([str(LOA), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stdout = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"loa {' '.join(args)} failed: {proc.stderr.read() if proc.stderr else ''}")
    return seconds, usage.ru_maxrss // 1024, stdout


EQUIVALENT = ("article-html", "article-docx", "article-pdf", "slides-pptx")
"""Loa's formats that match Pandoc's outputs (HTML, DOCX, PDF articles and a PPTX deck)."""
DECKS = ("slides-pptx", "slides-handout")
"""Loa's decks: editable PPTX and a PDF handout, against Marp's PDF and PPTX."""


def loa_build(work: Path, label: str, chosen: list[str], key: str) -> dict[str, object]:
    """Time one cold Loa build of the chosen formats."""
    out = work / f"loa-{key}"
    seconds, rss, stdout = run_loa("build", str(CAMPAIGN), "--out", str(out), "--formats", ",".join(chosen))
    files = sum(1 for p in out.rglob("*") if p.is_file() and "pagefind" not in p.parts and p.parent != out)
    return {"tool": label, "seconds": seconds, "files": files, "rss": rss, "note": _summary(stdout), "key": key}


def loa_rebuilds(work: Path) -> dict[str, object]:
    source = work / "campaign"
    shutil.copytree(CAMPAIGN, source)
    out = work / "loa-rebuild"
    chosen = ",".join(formats())
    run_loa("build", str(source), "--out", str(out), "--formats", chosen)
    noops = sorted(run_loa("build", str(source), "--out", str(out), "--formats", chosen) for _ in range(NOOP_RUNS))
    noop, noop_out = noops[NOOP_RUNS // 2][0], noops[0][2]
    topic = sorted((source / "topics").glob("*.md"))[0]
    topic.write_text(topic.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    one, _, one_out = run_loa("build", str(source), "--out", str(out), "--formats", chosen)
    return {"noop": noop, "noop_best": noops[0][0], "noop_out": _summary(noop_out), "one": one, "one_out": _summary(one_out), "topic": topic.stem}


def _summary(stdout: str) -> str:
    """Return the build's count line without the output path."""
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    return last.split(" → ")[0].lstrip("✓ ")


# --- the tools a user would otherwise use -----------------------------------------------------


def export_markdown(folder: Path) -> list[Path]:
    """Write each topic as the plain Markdown an editor would hand to Pandoc or Marp."""
    from loa.readers import read_campaign

    campaign, _ = read_campaign(CAMPAIGN)
    folder.mkdir(parents=True)
    paths = []
    for topic in campaign.topics:
        body = topic.source_path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        hotlines = "\n".join(f"- **{h.number}** — {h.name}" for h in campaign.hotlines)
        messages = "\n".join(f"- {k}" for k in topic.key_messages)
        text = (f"---\ntitle: {json.dumps(topic.title, ensure_ascii=False)}\nlang: vi\n---\n\n{topic.summary}\n\n## Điều cần ghi nhớ\n\n"
                f"{messages}\n\n{body}\n\n## Khi cần giúp đỡ\n\n{hotlines}\n")
        path = folder / f"{topic.id}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def pandoc_runs(sources: list[Path], work: Path) -> list[dict[str, object]]:
    try:
        import pypandoc
        import typst
    except ImportError:
        return [{"tool": "Pandoc", "seconds": None, "note": "not installed (pip install pypandoc-binary)"}]
    pandoc = pypandoc.get_pandoc_path()
    out = work / "pandoc"
    out.mkdir()

    def one(source: Path) -> int:
        for fmt, ext in (("html", "html"), ("docx", "docx"), ("pptx", "pptx"), ("typst", "typ")):
            extra = ["--standalone"] if fmt in ("html", "typst") else []
            subprocess.run([pandoc, str(source), "-t", fmt, *extra, "-o", str(out / f"{source.stem}.{ext}")], check=True)
        pdf = typst.compile(str(out / f"{source.stem}.typ"))
        (out / f"{source.stem}.pdf").write_bytes(pdf if isinstance(pdf, bytes) else b"")
        return 4

    rows = []
    for workers in (1, 2):
        shutil.rmtree(out)
        out.mkdir()
        start = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            files = sum(pool.map(one, sources))
        rows.append({"tool": f"Pandoc 3 → HTML, DOCX, PPTX, Typst PDF ({workers} at a time)",
                     "seconds": time.perf_counter() - start, "files": files})
    return rows


def marp_sources(folder: Path) -> tuple[list[Path], int]:
    """Write Loa's own decks (conference and classroom) as Marp Markdown: the same slides, titles,
    bullets and speaker notes, so both tools make the same decks. Returns the files and the slides."""
    from loa.readers import read_campaign
    from loa.renderers.deck import build_deck, deck_audiences

    campaign, _ = read_campaign(CAMPAIGN)
    folder.mkdir(parents=True)
    paths, slides = [], 0
    for audience in deck_audiences(campaign):
        deck = build_deck(campaign, audience)
        pages = []
        for slide in deck.slides:
            lines = [f"# {slide.title}"]
            lines += [f"**{slide.subtitle}**"] if slide.subtitle else []
            for column in slide.columns:
                lines += [f"### {column.label}"] if column.label else []
                lines.append("\n".join(f"{'  ' * para.level}- {para.text}" for para in column.paras if para.text))
            lines += [f"<!--\n{chr(10).join(slide.notes)}\n-->"] if slide.notes else []
            pages.append("\n\n".join(lines))
        path = folder / f"{deck.slug}.md"
        path.write_text("---\nmarp: true\nlang: vi\n---\n\n" + "\n\n---\n\n".join(pages) + "\n", encoding="utf-8")
        paths.append(path)
        slides += len(deck.slides)
    return paths, slides


def loa_slides(work: Path) -> int:
    """Return the number of slides in the PPTX decks of Loa's decks build."""
    from pptx import Presentation

    return sum(len(Presentation(str(p)).slides) for p in (work / "loa-decks").rglob("*.pptx"))


def marp_runs(work: Path) -> list[dict[str, object]]:
    if not MARP.exists() or not shutil.which("chromium"):
        return [{"tool": "Marp CLI", "seconds": None, "note": "not installed (cd benchmarks && npm install; apt-get install chromium)"}]
    sources, slides = marp_sources(work / "marp")
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or ""}
    rows = []
    for fmt in ("pdf", "pptx"):  # Marp's default parallelism (5 files at a time): its fastest here
        start = time.perf_counter()
        subprocess.run([str(MARP), "--no-stdin", f"--{fmt}", "--allow-local-files", "--input-dir",
                        str(work / "marp"), "-o", str(work / f"marp-{fmt}")], check=True, env=env, capture_output=True)
        rows.append({"tool": f"Marp CLI → {fmt.upper()} (Loa's {len(sources)} decks as Markdown)",
                     "seconds": time.perf_counter() - start, "files": len(sources), "slides": slides,
                     "against": f"decks-{fmt}"})
    rows.append({"tool": "Marp CLI → PDF + PPTX (both runs above)", "seconds": rows[0]["seconds"] + rows[1]["seconds"],
                 "files": 2 * len(sources), "slides": slides, "against": "decks"})
    return rows


# --- report ---------------------------------------------------------------------------------


def report(rows: list[dict[str, object]], rebuild: dict[str, object], topics: int) -> str:
    loa = {str(r["key"]): r for r in rows if "key" in r}
    lines = [
        "## Full build against Pandoc and Marp",
        "",
        f"`.venv/bin/python benchmarks/build.py` — {machine()}, bundled campaign ({topics} topics), one run.",
        "",
        "Each tool is compared with the Loa row that makes the same kind of output. Pandoc (articles",
        "and decks row): per file, since Loa writes a version per audience where Pandoc writes one per",
        "topic. Marp (decks rows): Loa's own decks written out as Marp Markdown — the same slides, titles,",
        "bullets and notes — so the whole times compare, format by format and for both formats (Marp makes",
        "one format per run; Loa both in one). Marp runs at its default parallelism (5 files at a time),",
        "its fastest on this machine.",
        "",
        "| tool | seconds | files | slides | ms per file | Loa is faster by | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        seconds, files = row.get("seconds"), row.get("files")
        base = loa.get(str(row.get("against")), {})
        ratio = ""
        if isinstance(seconds, float) and isinstance(base.get("seconds"), float):
            if row.get("slides"):  # the same decks: whole times
                ratio = f"{seconds / base['seconds']:.1f}×"
            elif isinstance(files, int) and files and base.get("files"):
                ratio = f"{(seconds / files) / (base['seconds'] / base['files']):.1f}× per file"
        shown = f"{seconds:.2f}" if isinstance(seconds, float) else "—"
        per_file = f"{seconds / files * 1000:.0f}" if isinstance(seconds, float) and isinstance(files, int) and files else ""
        lines.append(f"| {row['tool']} | {shown} | {files or ''} | {row.get('slides') or ''} | {per_file} | {ratio} "
                     f"| {row.get('note', '')} |")
    lines += [
        "",
        f"Peak memory of the Loa build: {rows[0].get('rss')} MiB. Quarto: not installable offline (its PyPI",
        "package downloads the program at install time; no wheel, Debian or npm package), so Pandoc stands in.",
        "",
        "## Rebuilds",
        "",
        f"- No-op rebuild: **{rebuild['noop']:.2f} s** (median of {NOOP_RUNS}; best {rebuild['noop_best']:.2f} s)"
        f" — {rebuild['noop_out']}",
        f"- One topic changed (`{rebuild['topic']}`): **{rebuild['one']:.2f} s** — {rebuild['one_out']}",
    ]
    lines += ["", "Co-branded packs: `benchmarks/cobrand.py`, section below."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
