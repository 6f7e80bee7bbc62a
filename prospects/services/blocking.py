"""Which names in one city are compared for near-duplicates: blocks, each searched by its
sorted neighbourhood, so the work grows as O(n·k), never O(n²).

Comparing every new name with every name of its city is quadratic: 200 rows named
"Hotel Teste Número 0001" ... "0200" in one city made 15,539 hints, and a 20,000-hotel city
pinned a worker. Instead, a name belongs to a few **blocks** of its city:

- ``*``, the whole city;
- one block per distinct word of ``MIN_WORD`` letters or more (at most ``MAX_WORDS`` words):
  the word's first ``PREFIX`` letters ("casa do largo" is in ``casa`` and ``larg``), so a typo
  or an inflection late in a word still lands in the same block.

Inside a block the names are sorted by their words in alphabetical order (the form the
token-sort ratio compares), and each new name is compared only with its ``WINDOW`` neighbours on
either side: that is the cap per block. "Pensão Flor de Sal" and "Pensao Flor do Sal" share the
blocks ``pens``, ``flor`` and ``sal``; "Tivoli" and "Tivloi" share no word prefix but sit next
to each other in the city's sorted list. Of the pairs at or above the threshold, a new name
keeps its ``MAX_HINTS`` most similar. So a new name costs at most
``(1 + MAX_WORDS) * 2 * WINDOW`` comparisons and makes at most ``MAX_HINTS`` hints, however
many hotels its city has (names that differ only far inside a long, common text may be missed:
that is the price of the bound).
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from rapidfuzz import fuzz, process

PREFIX = 4  # letters of a word that name its block
MIN_WORD = 3  # shorter words ("de", "do", "e") are in too many names to tell anything apart
MAX_WORDS = 5  # blocks per name besides the whole city
WINDOW = 8  # neighbours compared on each side, in each block
MAX_HINTS = 5  # hints kept per new prospect, the most similar first
CITY = "*"

Named = tuple[int, str]  # (prospect id, name key)
Pair = tuple[int, int, float]  # (newer id, older id, similarity)


def sorted_words(name: str) -> str:
    return " ".join(sorted(name.split()))


def block_keys(name: str) -> list[str]:
    """The blocks of a name key inside its city (see the module docstring)."""
    words = dict.fromkeys(w[:PREFIX] for w in name.split() if len(w) >= MIN_WORD)
    return [CITY, *list(words)[:MAX_WORDS]]


def _blocks(fresh: list[Named], everyone: list[Named]) -> dict[str, list[tuple[str, int]]]:
    """Only the blocks that hold a new name, each with every name of the city in it."""
    wanted = {key for _pk, name in fresh for key in block_keys(name)}
    blocks: dict[str, list[tuple[str, int]]] = defaultdict(list)
    seen: set[int] = set()
    for pk, name in [*everyone, *fresh]:  # fresh ones are normally in everyone already
        if pk in seen:
            continue
        seen.add(pk)
        text = sorted_words(name)
        for key in block_keys(name):
            if key in wanted:
                blocks[key].append((text, pk))
    return blocks


def _best(found: dict[int, dict[int, float]]) -> list[Pair]:
    pairs: dict[tuple[int, int], float] = {}
    for pk, others in found.items():
        for other, score in heapq.nlargest(MAX_HINTS, others.items(), key=lambda o: o[1]):
            pairs[(max(pk, other), min(pk, other))] = score
    return [(newer, older, score) for (newer, older), score in pairs.items()]


def similar_pairs(fresh: list[Named], everyone: list[Named], threshold: float) -> list[Pair]:
    """Pairs (newer id, older id, similarity) of one city at or above ``threshold``, each new
    name compared with its neighbours in its blocks only.

    ``fuzz.ratio`` of the sorted words is the token-sort ratio of ``normalize.similarity``
    (the names are name keys already), with each name's words sorted once.
    """
    new_ids = {pk for pk, _name in fresh}
    found: dict[int, dict[int, float]] = defaultdict(dict)
    for members in _blocks(fresh, everyone).values():
        members.sort()
        texts = [text for text, _pk in members]
        for position, (text, pk) in enumerate(members):
            if pk not in new_ids:
                continue
            start = max(0, position - WINDOW)
            window = texts[start : position + WINDOW + 1]
            for _text, score, offset in process.extract(
                text, window, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
            ):
                other = members[start + offset][1]
                if other != pk:
                    found[pk][other] = score
    return _best(found)
