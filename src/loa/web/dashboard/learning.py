"""The learning indicator at any scale: quiz results summed per school/class code and quiz.

Results are append-only (the API never changes a stored one), so they are folded into
LearningTally up to a watermark a little in the past, and only the results received since are read
live. The lag (`LAG`) covers results stamped but not yet committed when a fold runs: the API stamps
`received_at` just before its one-statement INSERT, so a result never arrives minutes late. The
back office may delete a bad batch: `forget` takes the folded ones out of the tally too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from loa.web.access.scoping import scoped
from loa.web.dashboard.indicators import LearningRow, Rate
from loa.web.dashboard.models import LearningTally, LearningWatermark
from loa.web.quiz.models import QuizResult
from loa.web.units.models import OrgUnit

LAG = timedelta(minutes=2)
EVERY = timedelta(minutes=1)  # fold at most this often; between folds the live part grows a little
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
Key = tuple[str, str]


def fold(*, now: datetime | None = None) -> LearningWatermark:
    """Fold the results received before `now - LAG` into the tally; return the watermark (results
    received at or after `folded_until`, from id `live_from_id` on, are read live)."""
    from django.utils import timezone

    cutoff = (now or timezone.now()) - LAG
    mark = LearningWatermark.objects.filter(pk=1).first()
    if mark is not None and cutoff - mark.folded_until < EVERY:
        return mark
    with transaction.atomic():
        mark, _ = LearningWatermark.objects.select_for_update().get_or_create(
            pk=1, defaults={"folded_until": BEGINNING}
        )
        if cutoff <= mark.folded_until:
            return mark
        new = _sums(QuizResult.objects.filter(received_at__gte=mark.folded_until, received_at__lt=cutoff))
        _add(new)
        recent = QuizResult.objects.filter(received_at__gte=cutoff).aggregate(first=Min("pk"))["first"]
        last = QuizResult.objects.aggregate(last=Max("pk"))["last"] or 0
        mark.folded_until, mark.live_from_id = cutoff, recent if recent is not None else last + 1
        mark.save(update_fields=["folded_until", "live_from_id"])
    return mark


def forget(results: QuerySet[QuizResult]) -> int:
    """Delete quiz results, and take those already folded out of the tally; return how many were
    deleted. Under the watermark's lock: no fold runs in between."""
    with transaction.atomic():
        mark = LearningWatermark.objects.select_for_update().filter(pk=1).first()
        if mark is not None:
            folded = _sums(results.filter(received_at__lt=mark.folded_until))
            for (code, quiz), (n, score, answers, _unit) in folded.items():
                LearningTally.objects.filter(code=code, quiz=quiz).update(
                    results=F("results") - n, score=F("score") - score, answers=F("answers") - answers
                )
            LearningTally.objects.filter(results=0).delete()
        deleted, _ = results.delete()
    return deleted


def learning_rows(user: Any, focus: OrgUnit | None = None, *, limit: int = 50) -> list[LearningRow]:
    """Return the codes with the most results in the user's subtree (under `focus`), tally plus live."""
    mark = fold()
    under = {"unit__path__startswith": focus.path} if focus is not None else {}
    unfolded = QuizResult.objects.filter(
        pk__gte=mark.live_from_id, received_at__gte=mark.folded_until, **under
    )
    live = _sums(scoped(unfolded, user))
    tallies = scoped(LearningTally.objects.filter(**under), user)
    rows = {
        (t.code, t.quiz): [t.results, t.score, t.answers]
        for t in tallies.order_by("-results", "code", "quiz")[: limit + len(live)]
    }
    if live:
        wanted = Q()
        for code, quiz in live:
            wanted |= Q(code=code, quiz=quiz)
        for t in tallies.filter(wanted):
            rows[(t.code, t.quiz)] = [t.results, t.score, t.answers]
    for key, (n, score, answers, _unit) in live.items():
        base = rows.setdefault(key, [0, 0, 0])
        base[0], base[1], base[2] = base[0] + n, base[1] + score, base[2] + answers
    ranked = sorted(rows.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [LearningRow(code, quiz, n, Rate(score, answers)) for (code, quiz), (n, score, answers) in ranked]


def _sums(results: Any) -> dict[Key, tuple[int, int, int, int | None]]:
    grouped = results.values("code", "quiz").annotate(
        n=Count("pk"), right=Sum("score"), given=Sum("answers"), unit=Max("unit")
    )
    return {
        (r["code"], r["quiz"]): (r["n"], int(r["right"]), int(r["given"]), r["unit"])
        for r in grouped.order_by()
    }


def _add(sums: dict[Key, tuple[int, int, int, int | None]]) -> None:
    """Add sums to the tally (the caller holds the watermark lock, so no other fold runs)."""
    if not sums:
        return
    codes = sorted({code for code, _quiz in sums})
    existing = {
        (t.code, t.quiz): t
        for start in range(0, len(codes), 500)
        for t in LearningTally.objects.filter(code__in=codes[start : start + 500])
    }
    rows = []
    for (code, quiz), (n, score, answers, unit) in sums.items():
        old = existing.get((code, quiz))
        rows.append(
            LearningTally(
                code=code,
                quiz=quiz,
                unit_id=unit if unit is not None else (old.unit_id if old else None),
                results=n + (old.results if old else 0),
                score=score + (old.score if old else 0),
                answers=answers + (old.answers if old else 0),
            )
        )
    LearningTally.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code", "quiz"],
        update_fields=["unit", "results", "score", "answers"],
    )
