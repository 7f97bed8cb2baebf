"""The build, top to bottom: load → lint → plan → render (reusing unchanged) → portal → write."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from loa import __version__
from loa import model as m
from loa.assets import asset_artifacts
from loa.errors import BuildError, CampaignError, Diagnostic, Location
from loa.executors import Executor, LocalExecutor, default_workers
from loa.lint import lint
from loa.manifest import build_manifest, read_manifest
from loa.presskit import compose_press_kits
from loa.readers import read_campaign
from loa.readers.units import read_units
from loa.renderers.base import (
    Artifact,
    Fingerprints,
    Job,
    Renderer,
    StoredArtifact,
    load_renderer,
    renderer_names,
)
from loa.site import index_search, render_site
from loa.social import compose_social_posts
from loa.writer import (
    OutputState,
    Staging,
    check_output_folder,
    recorded_files,
    unchanged_output,
    write_output,
)

PORTAL = "portal"
SOCIAL = "social"
PRESS_KIT = "press-kit"
STAGES = (SOCIAL, PRESS_KIT, PORTAL)
"""Outputs made from other products after rendering; selectable in --formats like renderers."""
Progress = Callable[[str, int, int | None], None]
"""Told what the build is doing, in Vietnamese, and how far it is: (description, done, total);
total None when a step's size is not known (the portal, writing the output)."""


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the CLI to report."""

    out: Path
    products: int
    """Products in the output: rendered, reused and composed from others."""
    rendered: int
    """Products rendered in this build."""
    reused: int
    """Products reused unchanged from the previous build; the rest were composed from these."""
    warnings: list[Diagnostic] = field(default_factory=list)
    unchanged: bool = False
    """True when nothing the output depends on changed, so the output was left as it was."""


def check(
    source: Path, *, strict: bool = False, today: dt.date | None = None
) -> tuple[m.Campaign, list[Diagnostic]]:
    """Read and lint a campaign; with strict, any warning is an error."""
    campaign, warnings = read_campaign(source)
    warnings = [*warnings, *lint(campaign, today=today or dt.date.today())]
    if strict and (blocking := [w for w in warnings if w.severity == "warning"]):
        raise CampaignError(blocking)
    return campaign, warnings


def build(
    source: Path,
    *,
    out: Path,
    formats: Sequence[str] | None = None,
    units: Path | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    workers: int = 0,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every product of a campaign (or the chosen formats) and the portal into `out`.

    Jobs run on `executor` (Celery workers, say), by default on this machine with `workers` processes.
    """
    campaign, warnings = check(source, strict=strict, today=today)
    check_output_folder(out)
    if units:
        found, unread = read_units(units, campaign.root, {a.id for a in campaign.audiences})
        campaign = campaign.model_copy(update={"units": found})
        warnings = [*warnings, *unread]
    renderers, skipped = _usable(select_renderers(formats), explicit=bool(formats), source=source)
    warnings = [*warnings, *skipped]
    jobs = [job for r in renderers for job in plan_jobs(r, campaign)]
    fingerprints = Fingerprints(campaign)
    by_name = {r.name: r for r in renderers}
    keys = [by_name[job.renderer].input_hash(job, fingerprints) for job in jobs]
    build_key = _build_key(keys, fingerprints, [r.name for r in renderers], formats)
    if state := unchanged_output(out, build_key):
        return BuildResult(out, state.products, 0, state.rendered, warnings, unchanged=True)
    previous = _previous_outputs(out)
    executor = executor or LocalExecutor(workers)
    tell = progress or _silent
    with Staging(out) as staging:  # products wait on disk, at their place, not in memory
        products, rendered = _render(campaign, jobs, keys, previous, executor, tell, staging)
        reused = len(products) - rendered
        if _wants(SOCIAL, formats):
            tell("Đang soạn bài đăng mạng xã hội", 0, None)
            products += map(staging.keep, compose_social_posts(campaign, products))
        if _wants(PRESS_KIT, formats):
            # Kits come one at a time, each put on disk before the next (a copy of the list: it grows).
            kits = compose_press_kits(
                campaign, products[:], previous, staging=staging.folder, workers=workers or default_workers()
            )
            count = len(campaign.audiences) + len(campaign.units)
            tell("Đang đóng gói bộ tài liệu", 0, count)
            for done, kit in enumerate(kits, start=1):
                products.append(staging.keep(kit))
                tell(f"Đang đóng gói bộ tài liệu {kit.path}", done, count)
        built_on = _build_time()
        if _wants(PORTAL, formats):
            tell("Đang tạo cổng thông tin", 0, None)
        site = render_site(campaign, products, built_on=built_on) if _wants(PORTAL, formats) else []
        manifest = build_manifest(campaign, products, built_on=built_on)
        files = [*products, *asset_artifacts(campaign), *site]
        state = OutputState(build_key, len(products), rendered + reused)
        tell("Đang ghi kết quả" + (" và chỉ mục tìm kiếm" if site else ""), 0, None)
        write_output(
            out, files, manifest, staging=staging.folder, state=state, finish=index_search if site else None
        )
    return BuildResult(out, len(products), rendered, reused, warnings)


def _silent(description: str, done: int, total: int | None) -> None:
    """Progress told to no one."""


def _build_key(
    keys: list[str], fingerprints: Fingerprints, renderers: list[str], formats: Sequence[str] | None
) -> str:
    """Return a hash of everything a whole build depends on: equal keys give identical output.

    The jobs' input hashes cover what each product reads; the campaign's settings and content cover
    what the portal, social posts and press kits are composed from; SOURCE_DATE_EPOCH fixes dates.
    """
    stages = [stage for stage in STAGES if _wants(stage, formats)]
    parts = [
        __version__,
        fingerprints.settings,
        fingerprints.content,
        ",".join(renderers),
        ",".join(stages),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        *sorted(keys),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def with_units(campaign: m.Campaign, units_csv: Path) -> m.Campaign:
    """Return the campaign with the recipient units of a CSV attached, for co-branded packs."""
    units, _ = read_units(units_csv, campaign.root, {a.id for a in campaign.audiences})
    return campaign.model_copy(update={"units": units})


UNIT_BATCH = 128
"""Units per job for renderers that co-brand in batches: one changed unit re-renders its batch. A
batch's jobs (one per topic) run on one worker process: batches small enough to keep both busy."""


def plan_jobs(renderer: Renderer, campaign: m.Campaign) -> list[Job]:
    """Return a renderer's jobs, repeated for every unit (or batch of units) when it co-brands."""
    jobs = renderer.plan(campaign)
    if not renderer.cobrand or not campaign.units:
        return jobs
    cobranded = renderer.plan_cobranded(campaign)
    codes = [unit.code for unit in campaign.units]
    if renderer.cobrand_batch:
        batches = [tuple(codes[i : i + UNIT_BATCH]) for i in range(0, len(codes), UNIT_BATCH)]
        return jobs + [replace(job, units=batch) for batch in batches for job in cobranded]
    return jobs + [replace(job, unit=code) for code in codes for job in cobranded]


def select_renderers(formats: Sequence[str] | None) -> list[Renderer]:
    """Return renderer instances for the requested format names (all when none are given)."""
    registry = renderer_names()
    wanted = [f for f in formats or registry if f not in STAGES]
    unknown = [f for f in wanted if f not in registry]
    if unknown:
        names = ", ".join([*registry, *STAGES])
        raise BuildError(f"không có định dạng {', '.join(unknown)} — các định dạng có: {names}")
    return [load_renderer(name)() for name in wanted]


def _usable(
    renderers: list[Renderer], *, explicit: bool, source: Path
) -> tuple[list[Renderer], list[Diagnostic]]:
    """Drop renderers this machine cannot run: an error when asked for by name, else a note."""
    usable, notes = [], []
    for renderer in renderers:
        reason = renderer.unavailable_reason()
        if reason is None:
            usable.append(renderer)
        elif explicit:
            raise BuildError(f"không tạo được định dạng {renderer.name}: {reason}")
        else:
            notes.append(
                Diagnostic(
                    Location(source),
                    "formats",
                    f"bỏ qua {renderer.name}: {reason}",
                    severity="info",
                    code="renderer-unavailable",
                )
            )
    return usable, notes


def _wants(stage: str, formats: Sequence[str] | None) -> bool:
    return not formats or stage in formats


def _render(
    campaign: m.Campaign,
    jobs: list[Job],
    keys: list[str],
    previous: dict[str, list[Artifact]],
    executor: Executor,
    progress: Progress,
    staging: Staging,
) -> tuple[list[Artifact], int]:
    """Render jobs whose input changed (keys are their input hashes); reuse the previous output."""
    results: list[list[Artifact] | None] = [previous.get(key) for key in keys]
    pending = [i for i, found in enumerate(results) if found is None]
    done = len(jobs) - len(pending)
    for position, artifacts in executor.run(
        campaign, [jobs[i] for i in pending], [keys[i] for i in pending], staging=staging.folder
    ):
        index = pending[position]
        results[index] = [staging.keep(a.with_input_hash(keys[index])) for a in artifacts]
        done += 1
        progress(f"Đang tạo {jobs[index].key}", done, len(jobs))
    fresh = sum(len(results[i] or ()) for i in pending)
    return [a for artifacts in results if artifacts for a in artifacts], fresh


def _previous_outputs(out: Path) -> dict[str, list[Artifact]]:
    """Return the previous build's products by input hash, when their files are intact."""
    manifest = read_manifest(out)
    found: dict[str, list[Artifact]] = {}
    recorded = recorded_files(out)
    for entry in (manifest or {}).get("products", []):
        if not entry.get("input_hash"):
            continue  # composed from other products (social posts, kits): always recomposed
        artifact = _reload(out, entry, recorded)
        if artifact is None:
            return {}  # any damage: rebuild everything rather than trust a partial cache
        found.setdefault(artifact.input_hash, []).append(artifact)
    return found


def _reload(out: Path, entry: dict[str, Any], recorded: dict[str, tuple[int, int]]) -> Artifact | None:
    """Return a previous product: by reference when its file is as the build left it, else read
    and checked against its SHA-256."""
    try:
        path = out / entry["path"]
        info = path.stat()
        if recorded.get(entry["path"]) == (info.st_size, info.st_mtime_ns) and entry.get("sha256"):
            return StoredArtifact(_known(entry), path, entry["sha256"], info.st_size)
        data = path.read_bytes()
    except (OSError, KeyError, TypeError):
        return None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        return None
    return Artifact(data=data, **_known(entry))


def _known(entry: dict[str, Any]) -> dict[str, Any]:
    """Return an artifact's fields from its manifest entry."""
    known = {
        k: entry.get(k)
        for k in (
            "kind",
            "format",
            "media_type",
            "title",
            "topic",
            "audience",
            "width",
            "height",
            "alt",
            "input_hash",
        )
    }
    return {"path": entry["path"], **{k: v for k, v in known.items() if v is not None}}


def _build_time() -> dt.datetime:
    """Return the build time; SOURCE_DATE_EPOCH fixes it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
