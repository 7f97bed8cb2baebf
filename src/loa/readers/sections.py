"""Which parts of a topic's body are written for whom: children's products leave out adults' sections."""

from __future__ import annotations

from loa import model as m
from loa.readers.markdown import inline_text

ADULT_HEADINGS = (
    "cha mẹ", "phụ huynh", "thầy cô", "giáo viên", "nhà trường", "doanh nghiệp", "cán bộ",
    "dành cho người lớn", "người lớn cần", "người lớn đăng",
)  # fmt: skip
"""Words that mark a body section as written for adults: children's articles and decks leave it out."""


def for_adults(heading: str) -> bool:
    """Return whether a heading names a section written for adults."""
    return any(word in heading.lower() for word in ADULT_HEADINGS)


def body_for(topic: m.Topic, audience: m.Audience | None) -> tuple[m.Block, ...]:
    """Return the body an audience reads: children's bands skip the sections written for adults
    (a heading naming parents, teachers, schools...), down to the next heading of the same level."""
    if audience is None or audience.kind != "children":
        return topic.body
    kept: list[m.Block] = []
    skipping_below = 0  # the level of the adult heading being skipped, 0 when none
    for block in topic.body:
        if isinstance(block, m.Heading):
            if skipping_below and block.level > skipping_below:
                continue
            skipping_below = block.level if for_adults(inline_text(block.children)) else 0
        if not skipping_below:
            kept.append(block)
    return tuple(kept)
