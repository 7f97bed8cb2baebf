"""Editable 16:9 PowerPoint decks: real text boxes, brand colours, Be Vietnam Pro, speaker notes."""

from __future__ import annotations

from typing import ClassVar

from loa import model as m
from loa.renderers.base import Artifact, Job
from loa.renderers.deck import DeckRenderer, build_deck


class SlidesPptxRenderer(DeckRenderer):
    """The conference deck and one classroom deck per children's band, as PowerPoint files."""

    name: ClassVar[str] = "slides-pptx"
    kind: ClassVar[str] = "slides"
    format: ClassVar[str] = "pptx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

    def render(self, campaign: m.Campaign, job: Job) -> list[Artifact]:
        from loa.renderers.pptx_deck import deck_pptx  # python-pptx loads when a deck is written

        deck = build_deck(campaign, job.audience)
        return [
            Artifact(
                path=self.path(deck),
                data=deck_pptx(campaign, deck),
                kind=self.kind,
                format=self.format,
                media_type=self.media_type,
                title=deck.title,
                audience=job.audience,
            )
        ]
