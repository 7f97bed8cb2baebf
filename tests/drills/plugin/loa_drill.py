"""A renderer for drills only: it takes LOA_DRILL_SECONDS per job, so a worker can be killed mid-render
(and with LOA_DRILL_FAIL set, it fails like a buggy renderer).

Registered through its own entry point (loa_drill-0.dist-info), like any third-party renderer; it is
on the path only when a drill puts tests/drills/plugin there. Real renderers are never slowed.
"""

from __future__ import annotations

import os
import time

from loa import model as m
from loa.renderers.base import Artifact, Job, Renderer


class DrillRenderer(Renderer):
    name = "drill"
    kind = "drill"
    format = "txt"
    media_type = "text/plain; charset=utf-8"

    def plan(self, campaign: m.Campaign) -> list[Job]:
        return [Job(self.name, topic=campaign.topics[0].id)]

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        time.sleep(float(os.environ.get("LOA_DRILL_SECONDS", "0")))
        if os.environ.get("LOA_DRILL_FAIL"):
            raise RuntimeError("hỏng như đã định")
        topic = campaign.topic(job.topic or "")
        text = f"{topic.title}\n{len(campaign.units)} đơn vị\n"
        return [Artifact(f"drill/{topic.id}.txt", text.encode(), self.kind, self.format, self.media_type)]
