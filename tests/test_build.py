"""The build: manifest.json, reuse of unchanged products, --formats, and all-or-nothing output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from loa import cli, executors
from loa.build import build
from loa.errors import BuildError
from loa.readers import read_campaign
from loa.renderers.article_html import ArticleHtmlRenderer
from loa.renderers.base import Artifact, Job, StoredArtifact
from loa.writer import Staging, keep_in, keep_written_in, write_output
from loa_support import ROOTS, SOURCE_DATE_EPOCH, LoaCommand, edit, quick_formats, tree_digest

CHANGED_TOPIC = "noi-tim-giup-do"


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def product_bytes(out: Path) -> dict[str, bytes]:
    """Return every product file of a build by path."""
    return {p["path"]: (out / p["path"]).read_bytes() for p in manifest(out)["products"]}


def test_manifest_lists_every_product_with_a_matching_sha256(built_full: Path) -> None:
    products = manifest(built_full)["products"]
    assert products
    for product in products:
        assert {"path", "kind", "format", "topic", "audience", "sha256"} <= product.keys(), product
        data = (built_full / product["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == product["sha256"], product["path"]
        assert product["bytes"] == len(data)
    paths = [p["path"] for p in products]
    assert len(paths) == len(set(paths)), "two products share a path"


def test_manifest_is_indented_with_each_product_on_a_line_of_its_own(built_full: Path) -> None:
    """Readable and searchable line by line (`grep` a topic's products), whatever its size."""
    text = (built_full / "manifest.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1].startswith('  "loa_version": ') and lines[-1] == "}"
    product_lines = [line for line in lines if line.startswith('    {"path": ')]
    assert [json.loads(line.rstrip(",")) for line in product_lines] == manifest(built_full)["products"]


def test_manifest_has_an_article_for_every_topic_and_audience(built_full: Path) -> None:
    campaign, _ = read_campaign(ROOTS / "full")
    articles = {
        (p["topic"], p["audience"]) for p in manifest(built_full)["products"] if p["kind"] == "article"
    }
    assert articles == {(t.id, a) for t in campaign.topics for a in t.audiences}


def test_manifest_describes_the_campaign_and_the_build_time(built_full: Path) -> None:
    data = manifest(built_full)
    assert data["campaign"]["id"] == "day-du"
    assert data["campaign"]["base_url"].startswith("https://day-du.example.gov.vn")
    assert [t["id"] for t in data["topics"]] == ["noi-tim-giup-do", "thong-tin-ca-nhan"]
    assert {a["id"] for a in data["audiences"]} == {"tre-6-10", "tre-11-15", "cha-me", "giao-vien"}
    built_at = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), dt.UTC)
    assert data["built_at"] == built_at.isoformat(timespec="seconds")


@pytest.fixture
def previous_full(built_full: Path, tmp_path: Path) -> Path:
    """A copy of the build of tests/roots/full, as the previous output of the next build."""
    out = tmp_path / "_site"
    shutil.copytree(built_full, out)
    return out


def rendered_products(out: Path) -> dict[str, dict[str, Any]]:
    """Return the manifest entries of the products renderers made (not composed from others).

    Press kits carry a content key in input_hash too, so the next build can reuse them, but no
    renderer makes them.
    """
    return {
        p["path"]: p for p in manifest(out)["products"] if p.get("input_hash") and p["kind"] != "press-kit"
    }


def test_second_build_reuses_every_product_and_writes_the_same_bytes(previous_full: Path) -> None:
    before, digest = product_bytes(previous_full), tree_digest(previous_full)
    result = build(ROOTS / "full", out=previous_full, formats=quick_formats())
    assert result.rendered == 0
    assert result.reused == len(rendered_products(previous_full)) > 0, "every rendered product is reused"
    assert result.products == len(before)
    assert product_bytes(previous_full) == before
    assert tree_digest(previous_full) == digest, "the whole output, portal and search index included"


def test_build_with_nothing_changed_leaves_the_output_alone(previous_full: Path) -> None:
    result = build(ROOTS / "full", out=previous_full, formats=quick_formats())
    assert result.unchanged
    article = previous_full / "bai-viet" / CHANGED_TOPIC / "tre-11-15.html"
    before = article.stat().st_mtime_ns
    again = build(ROOTS / "full", out=previous_full, formats=quick_formats())
    assert again.unchanged and again.products == result.products
    assert article.stat().st_mtime_ns == before, "not even rewritten"


def test_a_build_with_nothing_to_write_loads_no_office_or_speech_library(previous_full: Path) -> None:
    """Every build plans with every chosen renderer; python-docx, python-pptx, num2words and the
    web server load only to write a document, a deck, speech or to serve (a third of a no-op's time)."""
    heavy = ("docx", "pptx", "num2words", "http.server")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from loa import cli\n"
        "from loa.build import build\n"
        f"result = build(Path({str(ROOTS / 'full')!r}), out=Path({str(previous_full)!r}),"
        f" formats={quick_formats()!r})\n"
        f"print(result.unchanged, [name for name in {heavy!r} if name in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "[]"], done.stdout + done.stderr


def test_a_damaged_output_file_is_noticed_and_rebuilt(previous_full: Path) -> None:
    article = previous_full / "bai-viet" / CHANGED_TOPIC / "tre-11-15.html"
    good = article.read_bytes()
    article.write_bytes(b"x" * len(good))  # same size: only the modification time tells
    result = build(ROOTS / "full", out=previous_full, formats=quick_formats())
    assert not result.unchanged
    assert result.rendered > 0
    assert article.read_bytes() == good


def test_a_different_build_date_is_a_change(previous_full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(SOURCE_DATE_EPOCH) + 86_400))
    result = build(ROOTS / "full", out=previous_full, formats=quick_formats())
    assert not result.unchanged and result.rendered == 0
    built_at = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH) + 86_400, dt.UTC)
    assert manifest(previous_full)["built_at"] == built_at.isoformat(timespec="seconds")


def test_changing_one_topic_renders_only_that_topics_jobs(
    copy_root: Callable[[str], Path], previous_full: Path
) -> None:
    root, out = copy_root("full"), previous_full
    before = rendered_products(out)
    edit(root / "topics" / f"{CHANGED_TOPIC}.md", "Dừng lại, không trả lời.", "Dừng lại, đừng trả lời.")
    result = build(root, out=out, formats=quick_formats())
    after = rendered_products(out)
    # rendered from this topic, or from all the content (jobs without a topic)
    depends = {path for path, p in before.items() if p["topic"] in (CHANGED_TOPIC, None)}
    assert depends, "the changed topic has products"
    assert result.rendered == len(depends)
    assert result.reused == len(before) - len(depends)
    unchanged = [
        path for path in after if path not in depends and after[path]["sha256"] != before[path]["sha256"]
    ]
    assert unchanged == [], "products of other topics are reused as they were"
    article = f"bai-viet/{CHANGED_TOPIC}/tre-11-15.html"
    assert after[article]["sha256"] != before[article]["sha256"]
    assert "đừng trả lời" in (out / article).read_text(encoding="utf-8")


def test_a_rebuild_links_unchanged_files_instead_of_writing_them_again(
    copy_root: Callable[[str], Path], previous_full: Path
) -> None:
    root, out = copy_root("full"), previous_full
    other = next(p for p in rendered_products(out).values() if p["topic"] not in (CHANGED_TOPIC, None))
    before = (out / other["path"]).stat()
    edit(root / "topics" / f"{CHANGED_TOPIC}.md", "Dừng lại, không trả lời.", "Dừng lại, đừng trả lời.")
    build(root, out=out, formats=quick_formats())
    after = (out / other["path"]).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert leftovers == [], "no staging folder is left beside the output"


def test_article_html_format_alone_builds_no_portal(loa: LoaCommand, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    run = loa("build", ROOTS / "full", "--out", out, "--formats", "article-html")
    assert run.returncode == 0, run
    products = manifest(out)["products"]
    assert products and {p["kind"] for p in products} == {"article"}
    for portal_file in ("index.html", "sitemap.xml", "feed.xml", "rss.xml", "pagefind", "chu-de", "tro-giup"):
        assert not (out / portal_file).exists(), portal_file
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assets = {f for f in files if f.startswith("assets/")}
    assert files == {p["path"] for p in products} | {"manifest.json", ".loa-build.json"} | assets
    for product in products:  # the articles stay whole without the portal: their images are there
        page = out / product["path"]
        for src in re.findall(r'<img src="([^"]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / src).resolve().is_file(), (product["path"], src)


def fail_on_second_render(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the article renderer fail on its second job, as a renderer bug would mid-build."""
    calls: list[str] = []
    render = ArticleHtmlRenderer.render

    def failing(self: ArticleHtmlRenderer, campaign: Any, job: Job) -> list[Artifact]:
        calls.append(job.key)
        if len(calls) == 2:
            raise RuntimeError("hỏng giữa chừng")
        return render(self, campaign, job)

    monkeypatch.setattr(ArticleHtmlRenderer, "render", failing)
    return calls


def test_renderer_failing_mid_build_keeps_the_previous_output_and_exits_1(
    copy_root: Callable[[str], Path],
    previous_full: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, out = copy_root("full"), previous_full
    before = tree_digest(out)
    edit(root / "topics" / f"{CHANGED_TOPIC}.md", "Dừng lại, không trả lời.", "Dừng lại, đừng trả lời.")
    calls = fail_on_second_render(monkeypatch)
    monkeypatch.chdir(tmp_path)  # no loa.yaml
    monkeypatch.setattr(
        sys,
        "argv",
        ["loa", "build", str(root), "--out", str(out), "-f", "article-html,portal", "--workers", "1"],
    )
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    assert len(calls) == 2, "the failure came after a product was rendered"
    err = " ".join(capsys.readouterr().err.split())  # the console may wrap long lines
    assert calls[1] in err and "hỏng giữa chừng" in err, "the message names the job"
    assert "Traceback" not in err
    assert tree_digest(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("._site")], "no staging left"


@pytest.mark.parametrize("path", ["../ngoai.txt", "a/../../ngoai.txt", "/tmp/ngoai.txt", ""])
def test_a_product_path_leading_out_of_the_output_is_refused_and_nothing_is_written(
    tmp_path: Path, path: str
) -> None:
    out = tmp_path / "site"
    good = Artifact(path="a/ok.txt", data=b"ok", kind="note", format="txt", media_type="text/plain")
    bad = Artifact(path=path, data=b"x", kind="note", format="txt", media_type="text/plain")
    with pytest.raises(BuildError, match="ra ngoài thư mục kết quả"):
        write_output(out, [good, bad], {"products": []})
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [], "no staging folder left"
    assert not (tmp_path / "ngoai.txt").exists()


@pytest.mark.parametrize("path", ["../ngoai.txt", "/tmp/ngoai.txt"])
def test_a_worker_refuses_to_keep_a_product_whose_path_leads_out_of_the_output(
    tmp_path: Path, path: str
) -> None:
    with Staging(tmp_path / "site") as staging, pytest.raises(BuildError, match="ra ngoài thư mục kết quả"):
        keep_in(
            staging.folder, Artifact(path=path, data=b"x", kind="note", format="txt", media_type="text/plain")
        )
    assert [p.name for p in tmp_path.iterdir()] == [], "nothing written, no staging folder left"


def test_products_kept_in_the_staging_folder_are_the_output_without_another_copy(tmp_path: Path) -> None:
    out = tmp_path / "site"
    note = Artifact(
        path="don-vi/27001/a.txt", data=b"mot", kind="note", format="txt", media_type="text/plain"
    )
    with Staging(out) as staging:
        kept = keep_in(staging.folder, note)
        assert kept.file == staging.folder / note.path and kept.sha256 == hashlib.sha256(b"mot").hexdigest()
        inode = kept.file.stat().st_ino
        write_output(out, [kept], {"products": []}, staging=staging.folder)
    assert (out / note.path).read_bytes() == b"mot"
    assert (out / note.path).stat().st_ino == inode, "the worker's file itself, not a copy or a link"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_product_whose_writing_fails_halfway_leaves_no_file_behind(tmp_path: Path) -> None:
    """A kit is written straight to its place from its products' files; one that cannot be finished
    (a product damaged meanwhile) must not stay there as a truncated ZIP."""
    kit = Artifact(
        path="don-vi/27001.zip", data=b"", kind="press-kit", format="zip", media_type="application/zip"
    )

    def write(handle: BinaryIO) -> tuple[str, int]:
        handle.write(b"PK\x03\x04")
        raise OSError("a.png: 9 bytes where 10248 were written")

    with Staging(tmp_path / "site") as staging:
        with pytest.raises(OSError, match="10248"):
            keep_written_in(staging.folder, kit, write)
        assert not (staging.folder / kit.path).exists()
        kept = keep_written_in(staging.folder, kit, lambda h: (hashlib.sha256(b"").hexdigest(), h.write(b"")))
        assert kept.file == staging.folder / kit.path and kept.size == 0


def test_a_kept_product_at_a_path_written_unusually_is_left_in_place(tmp_path: Path) -> None:
    """A renderer (a plug-in, say) may give `./a.txt` or `a//b.txt`: the file it kept is the output's."""
    out = tmp_path / "site"
    notes = [
        Artifact(path=path, data=path.encode(), kind="note", format="txt", media_type="text/plain")
        for path in ("./a.txt", "b//c.txt")
    ]
    with Staging(out) as staging:
        kept = [keep_in(staging.folder, note) for note in notes]
        write_output(out, kept, {"products": []}, staging=staging.folder)
    assert (out / "a.txt").read_bytes() == b"./a.txt"
    assert (out / "b" / "c.txt").read_bytes() == b"b//c.txt"


def test_a_product_written_over_a_linked_one_never_changes_the_previous_output(tmp_path: Path) -> None:
    """Two products at one path: the first is a hard link to the previous output's file, which the
    second must replace, not write through (the previous output must stay as it was)."""
    previous = tmp_path / "previous.txt"
    previous.write_bytes(b"cu")
    old = StoredArtifact(
        Artifact(path="a.txt", data=b"", kind="note", format="txt", media_type="text/plain"),
        previous, hashlib.sha256(b"cu").hexdigest(), 2,
    )  # fmt: skip
    new = Artifact(path="a.txt", data=b"moi", kind="note", format="txt", media_type="text/plain")
    write_output(tmp_path / "site", [old, new], {"products": []})
    assert previous.read_bytes() == b"cu"
    assert (tmp_path / "site" / "a.txt").read_bytes() == b"moi"
    with Staging(tmp_path / "again") as staging:  # a worker keeping a product where a link is
        (staging.folder / "a.txt").hardlink_to(previous)
        assert keep_in(staging.folder, new).data == b"moi"
        assert previous.read_bytes() == b"cu"


def test_a_build_on_worker_processes_writes_the_same_bytes_as_one_made_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes write their products into the build's staging folder themselves and send back
    only the files' names: the output must not depend on it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setattr(executors, "POOL_THRESHOLD", 2)  # a pool even for this small campaign's 9 jobs
    units = tmp_path / "units.csv"
    units.write_text("code,name,contact\n27001,UBND xã Một,Liên hệ: 0272 111\n27002,UBND xã Hai,\n", "utf-8")
    digests = {}
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}"
        build(ROOTS / "visuals", out=out, formats=["posters", "cards"], units=units, workers=workers)
        digests[workers] = tree_digest(out)
    assert digests[1] == digests[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-1", "out-2", "units.csv"], (
        "no staging folder left"
    )


def test_a_worker_process_lost_while_starting_stops_the_build_with_a_clear_error(tmp_path: Path) -> None:
    """A script that calls build() without `if __name__ == "__main__":` starts a build again in every
    spawned worker, which dies. With a campaign of 2,000 units (more than a pipe's buffer once pickled)
    the build used to wait forever; it must stop with a message that says what to do."""
    units = tmp_path / "units.csv"
    rows = "".join(f"{27000 + i},UBND xã Thử Nghiệm {i},Liên hệ: 0272 38{i:05d}\n" for i in range(2000))
    units.write_text("code,name,contact\n" + rows, "utf-8")
    out = tmp_path / "out"
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from loa import executors\n"
        "from loa.build import build\n"
        "executors.POOL_THRESHOLD = 2\n"
        f"build(Path({str(ROOTS / 'visuals')!r}), out=Path({str(out)!r}), formats=['posters'],"
        f" units=Path({str(units)!r}), workers=2)\n",
        "utf-8",
    )
    try:
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the build still waited for its lost worker after 120 s")
    assert done.returncode != 0
    assert "BuildError" in done.stderr and 'if __name__ == "__main__":' in done.stderr
    assert not out.exists(), "nothing written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unguarded.py", "units.csv"], "no staging left"


def test_a_batch_of_units_goes_to_one_worker_for_every_topic() -> None:
    """Its units' names are drawn once, by that worker, not once by each, and its QR codes are
    made once for posters and cards."""
    first, second = ("27001", "27002"), ("27003",)
    jobs = [Job("cards", "a"), Job("cards", "b")] + [
        Job(renderer, topic, units=batch)
        for renderer in ("posters", "cards")
        for batch in (first, second)
        for topic in ("a", "b", "c")
    ]
    chunks = executors._chunks(jobs, workers=2)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(jobs)))
    assert [{jobs[i].units for i in chunk} for chunk in chunks] == [{()}, {()}, {first}, {second}]
    assert [len(chunk) for chunk in chunks] == [1, 1, 6, 6], "posters and cards of a batch together"


def test_a_plugin_registered_under_another_name_than_its_own_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from loa.renderers import base

    class Entry:
        value = "loa_extra.cards:Cards"

        def load(self) -> type:
            return ArticleHtmlRenderer  # calls itself "article-html"

    monkeypatch.setattr(base, "_entries", lambda: {"the-khac": Entry()})
    monkeypatch.setattr(base, "_loaded", {})
    with pytest.raises(BuildError, match=r"loa_extra\.cards:Cards.*the-khac.*article-html"):
        base.load_renderer("the-khac")


def test_the_build_says_what_it_is_doing_until_it_ends(tmp_path: Path) -> None:
    """After the last product comes the longest wait of a co-branded build (a kit per unit, the
    portal, writing thousands of files): the progress shown must say so, not stay on the last job."""
    (tmp_path / "units.csv").write_text(
        "code,name\n27001,UBND xã Một\n27002,UBND phường Hai\n", encoding="utf-8"
    )
    told: list[tuple[str, int, int | None]] = []
    build(
        ROOTS / "minimal",
        out=tmp_path / "out",
        formats=["article-html", "press-kit", "portal"],
        units=tmp_path / "units.csv",
        workers=1,
        progress=lambda description, done, total: told.append((description, done, total)),
    )
    jobs = [t for t in told if t[0].startswith("Đang tạo article-html/")]
    assert (
        jobs and [done for _, done, _ in jobs] == list(range(1, len(jobs) + 1)) and jobs[-1][2] == len(jobs)
    )
    kits = [t for t in told if t[0].startswith("Đang đóng gói bộ tài liệu")]
    assert kits[-1][0] == "Đang đóng gói bộ tài liệu don-vi/27002.zip"
    assert kits[-1][1] == kits[-1][2] == len(read_campaign(ROOTS / "minimal")[0].audiences) + 2
    steps = [description for description, _, total in told if total is None]
    assert steps == ["Đang tạo cổng thông tin", "Đang ghi kết quả và chỉ mục tìm kiếm"]
    assert told.index(jobs[-1]) < told.index(kits[-1]) < len(told) - 2, "in the order they happen"
