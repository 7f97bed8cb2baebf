"""The build, top to bottom: load → lint → plan → render (reusing unchanged) → portal → write."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loa import model as m
from loa.errors import BuildError, CampaignError, Diagnostic
from loa.lint import lint
from loa.manifest import build_manifest, read_manifest
from loa.readers import read_campaign
from loa.renderers.base import Artifact, Job, Renderer, available_renderers
from loa.site import index_search, render_site
from loa.writer import write_output

PORTAL = "portal"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the CLI to report."""

    out: Path
    products: list[Artifact]
    rendered: int
    reused: int
    warnings: list[Diagnostic] = field(default_factory=list)


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
    strict: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every product of a campaign (or the chosen formats) and the portal into `out`."""
    campaign, warnings = check(source, strict=strict, today=today)
    renderers = select_renderers(formats)
    jobs = [(r, job) for r in renderers for job in r.plan(campaign)]
    products, rendered = _render(campaign, jobs, _previous_outputs(out), progress)
    built_on = _build_time()
    site = render_site(campaign, products, built_on=built_on) if _wants_portal(formats) else []
    manifest = build_manifest(campaign, products, built_on=built_on)
    write_output(out, [*products, *site], manifest, finish=index_search if site else None)
    return BuildResult(out, products, rendered, len(products) - rendered, warnings)


def select_renderers(formats: Sequence[str] | None) -> list[Renderer]:
    """Return renderer instances for the requested format names (all when none are given)."""
    registry = available_renderers()
    wanted = [f for f in formats or registry if f != PORTAL]
    unknown = [f for f in wanted if f not in registry]
    if unknown:
        names = ", ".join([*registry, PORTAL])
        raise BuildError(f"không có định dạng {', '.join(unknown)} — các định dạng có: {names}")
    return [registry[name]() for name in wanted]


def _wants_portal(formats: Sequence[str] | None) -> bool:
    return not formats or PORTAL in formats


def _render(
    campaign: m.Campaign,
    jobs: list[tuple[Renderer, Job]],
    previous: dict[str, list[Artifact]],
    progress: Progress | None,
) -> tuple[list[Artifact], int]:
    products: list[Artifact] = []
    rendered = 0
    for done, (renderer, job) in enumerate(jobs, start=1):
        key = renderer.input_hash(campaign, job)
        cached = previous.get(key)
        if cached is None:
            try:
                cached = [_stamp(a, key) for a in renderer.render(campaign, job)]
            except Exception as exc:  # a renderer bug must not leave half an output
                raise BuildError(f"{job.key}: không tạo được sản phẩm ({type(exc).__name__}: {exc})") from exc
            rendered += 1
        products.extend(cached)
        if progress:
            progress(job.key, done, len(jobs))
    return products, rendered


def _stamp(artifact: Artifact, input_hash: str) -> Artifact:
    return Artifact(**{**artifact.__dict__, "input_hash": input_hash})


def _previous_outputs(out: Path) -> dict[str, list[Artifact]]:
    """Return the previous build's products by input hash, when their files are intact."""
    manifest = read_manifest(out)
    found: dict[str, list[Artifact]] = {}
    for entry in (manifest or {}).get("products", []):
        artifact = _reload(out, entry)
        if artifact is None:
            return {}  # any damage: rebuild everything rather than trust a partial cache
        found.setdefault(artifact.input_hash, []).append(artifact)
    return found


def _reload(out: Path, entry: dict[str, Any]) -> Artifact | None:
    try:
        data = (out / entry["path"]).read_bytes()
    except (OSError, KeyError, TypeError):
        return None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256") or not entry.get("input_hash"):
        return None
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
    return Artifact(path=entry["path"], data=data, **{k: v for k, v in known.items() if v is not None})


def _build_time() -> dt.datetime:
    """Return the build time; SOURCE_DATE_EPOCH fixes it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
