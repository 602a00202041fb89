"""The shipped model: weights (lexicons/_model/weights.npy, int8) and what they mean (model.json).

A head is one linear score over the hashed features of filters/learned/features.py:
    score = bias + scale · Σ weights[id] / √(number of ids), over the n-grams of a part's words
and its probability the logistic of it. The heads (model.json "heads") are `abuse` (an
insult, a threat, hate: RUSSE-2022's toxic sentences and the lexicons' examples), `threat` and
`hate` (which kind of abuse), `offtopic` (spam: advertising, earnings, chain letters). Each has two thresholds, chosen by
the training command on data it did not train on: `likely` and `possible`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..paths import lexicon_root
from . import features

FOLDER = "_model"
KEEP_WORDS = 100_000        # words whose reading is kept: ~20 MB; a chat's vocabulary is far smaller


class ModelMissing(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Opinion:
    head: str
    probability: float
    certainty: str | None         # likely | possible | None: below both thresholds


class Model:
    def __init__(self, folder: Path):
        self.folder = folder
        try:
            self.meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            raw = np.load(folder / "weights.npy", allow_pickle=False)
        except FileNotFoundError as err:
            raise ModelMissing(f"no trained model in {folder} ({err.filename} is missing): run "
                               f"`dozor model train` to make one, or reinstall dozor") from None
        self.heads: tuple[str, ...] = tuple(self.meta["heads"])
        self.bits: int = self.meta["bits"]
        if raw.shape != (2 ** self.bits, len(self.heads)):
            raise ValueError(f"{folder}/weights.npy holds {raw.shape}, model.json says "
                             f"{(2 ** self.bits, len(self.heads))}: train the model again")
        self.weights = raw
        self.scale = np.array(self.meta["scale"], dtype=np.float64)
        self.bias = np.array(self.meta["bias"], dtype=np.float64)
        self.table = features.translation(self.meta["disguises"])
        self.thresholds: dict[str, dict[str, float]] = self.meta["thresholds"]
        self.version: str = self.meta["version"]
        # word → (its number of n-grams, then each head's summed weight): one flat tuple, so a
        # part's sums are one zip
        self._memo: dict[str, tuple[float, ...]] = {}
        self._bias = self.bias.tolist()

    def scores(self, text: str) -> np.ndarray:
        """Every head's probability for `text` (of its most telling part, head by head, when it is
        read in parts: features.parts)."""
        return self.probabilities(features.words_of(text, self.table))

    def probabilities(self, words: list[str]) -> np.ndarray:
        """Every head's probability for the (normalised) words of a text."""
        return np.array([1 / (1 + math.exp(-max(col))) for col in zip(*self._logits(words))])

    def remember(self, words: list[str]) -> None:
        """Read the words not yet kept, all at once (leans() then finds them)."""
        self._words(words)

    def leans(self, word: str, heads: tuple[str, ...], by: float = 0.0) -> bool:
        """Does `word` alone push any of `heads` up, by more than `by` (its n-grams' weights summed)?"""
        kept = self._memo.get(word) or self._words([word])[word]
        return any(kept[1 + self.index[h]] > by for h in heads)

    def logits(self, words: list[str]) -> np.ndarray:
        """Every head's score for each part of the words: (parts, heads)."""
        return np.array(self._logits(words))

    def _logits(self, words: list[str]) -> list[list[float]]:
        seen = self._words(words)
        out = []
        for start, end in features.parts(words):
            # summed head by head in the interpreter: a few words, no array worth building
            sums = [sum(col) for col in zip(*[seen[w] for w in words[start:end]])]
            count, totals = (sums[0], sums[1:]) if sums else (0, [0.0] * len(self.heads))
            root = math.sqrt(count) if count else 1.0
            out.append([b + t / root for b, t in zip(self._bias, totals)])
        return out

    def _words(self, words: list[str]) -> dict:
        """What the model makes of each word: its number of n-grams and their weights, summed per
        head and scaled. Kept per word (KEEP_WORDS): a chat repeats its words."""
        memo = self._memo
        new = [w for w in dict.fromkeys(words) if w not in memo]
        if new:
            if len(memo) + len(new) > KEEP_WORDS:
                memo.clear()                       # and the message's words are all new again
                new = list(dict.fromkeys(words))
            ids, owner = features.word_ngrams(new, self.bits)
            heads = len(self.heads)
            cells = (owner[:, None] * heads + np.arange(heads)).ravel()
            sums = np.bincount(cells, weights=self.weights[ids].ravel().astype(np.float64),
                               minlength=len(new) * heads).reshape(len(new), heads) * self.scale
            counts = np.bincount(owner, minlength=len(new)).tolist()
            for w, n, vector in zip(new, counts, sums.tolist()):
                memo[w] = (n, *vector)
        return memo

    def opinion(self, head: str, probability: float) -> Opinion:
        t = self.thresholds[head]
        sure = "likely" if probability >= t["likely"] else "possible" if probability >= t["possible"] else None
        return Opinion(head, float(probability), sure)

    @cached_property
    def index(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(self.heads)}

    def strongest(self, text: str | list[str], head: str, n: int = 3) -> list[tuple[str, float]]:
        """The words of `text` (or the normalised words of one) that pushed `head` up most, with
        their share of the score: what the model saw, for the moderator who judges it (of the part
        that scored highest)."""
        col = self.index[head]
        words = features.words_of(text, self.table) if isinstance(text, str) else text
        if not words:
            return []
        start, end = features.parts(words)[int(np.argmax(self.logits(words)[:, col]))]
        seen = self._words(words)
        part = words[start:end]
        count = sum(seen[w][0] for w in part) or 1
        shares: dict[str, float] = {}
        for w in part:
            shares[w] = shares.get(w, 0.0) + float(seen[w][1 + col]) / math.sqrt(count)
        best = sorted(shares.items(), key=lambda kv: -kv[1])[:n]
        return [(w, round(x, 2)) for w, x in best if x >= 0.005]


_LOADED: dict[Path, Model] = {}


def shipped(folder: Path | None = None) -> Model:
    """The model in lexicons/_model/ (or DOZOR_LEXICONS/_model/), loaded once a process."""
    folder = folder or lexicon_root() / FOLDER
    model = _LOADED.get(folder)
    if model is None:
        model = _LOADED[folder] = Model(folder)
    return model
