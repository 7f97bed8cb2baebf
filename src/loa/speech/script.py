"""Text cut for the ear and the screen: sentences, and subtitle cues short enough for two lines."""

from __future__ import annotations

import re

CUE_CHARS = 84
"""Longest subtitle cue: two lines of about 42 characters, the usual limit for readable subtitles."""


def sentences(text: str) -> list[str]:
    """Return the sentences of a text (split after . ! ? … and at line ends), trimmed."""
    parts = re.split(r"(?<=[.!?…])\s+(?=[^\s])|\n+", text.strip())
    return [p.strip() for p in parts if p.strip()]


def short_sentences(text: str, limit: int = 110) -> list[str]:
    """Return sentences, with long ones cut at semicolons into sentences of their own (for the ear)."""
    out: list[str] = []
    for sentence in sentences(text):
        if len(sentence) <= limit or ";" not in sentence:
            out.append(sentence)
            continue
        pieces = [p.strip() for p in sentence.split(";") if p.strip()]
        out += [_capitalise(p.rstrip(".")) + "." for p in pieces]
    return out


def cues(text: str, limit: int = CUE_CHARS) -> list[str]:
    """Return subtitle cues: whole sentences when they fit, else cut at commas, then between words."""
    out: list[str] = []
    for sentence in sentences(text):
        out += _cut(sentence, limit)
    return out


def _cut(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    clauses = re.split(r"(?<=[,;:–])\s+", text)
    if len(clauses) > 1:
        return _pack(clauses, limit)
    words = text.split()
    half = _balanced_split(words, limit)
    return _cut(" ".join(words[:half]), limit) + _cut(" ".join(words[half:]), limit)


def _pack(parts: list[str], limit: int) -> list[str]:
    """Return parts joined greedily into pieces of at most limit characters (long parts cut further)."""
    out: list[str] = []
    current = ""
    for part in parts:
        joined = f"{current} {part}".strip()
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            out.append(current)
        current = part if len(part) <= limit else ""
        if not current:
            out += _cut(part, limit)
    return [*out, current] if current else out


def _balanced_split(words: list[str], limit: int) -> int:
    """Return where to cut a word list so the two halves are as even as possible."""
    total = len(" ".join(words))
    best, best_gap, length = 1, total, 0
    for i, word in enumerate(words[:-1], start=1):
        length += len(word) + (1 if i > 1 else 0)
        gap = abs(total - 2 * length)
        if gap < best_gap:
            best, best_gap = i, gap
    return best


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def balanced_lines(text: str, width: int) -> list[str]:
    """Return text broken into as few lines of about `width` characters as it needs, evenly filled.

    A dash never starts a line (it stays with the word before it).
    """
    words = text.replace(" – ", "\u00a0– ").replace(" — ", "\u00a0— ").split(" ")
    count = -(-len(text) // width)
    if count <= 1 or len(words) == 1:
        return [" ".join(words)]
    target = len(text) / count
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        line = " ".join([*current, word])
        overshoot = len(line) - target
        if current and len(lines) < count - 1 and overshoot > target - len(" ".join(current)):
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    return [*lines, " ".join(current)]
