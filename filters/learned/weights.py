"""The shipped model: weights (lexicons/_model/weights.npy, int8) and what they mean (model.json).

A head is one linear score over the hashed features of filters/learned/features.py:
    score = bias + scale · Σ weights[id] / √(number of ids)
and its probability the logistic of it. The heads (model.json "heads") are `abuse` (an
insult, a threat, hate: RUSSE-2022's toxic sentences and the lexicons' examples), `threat` and
`hate` (which kind of abuse), `spam` (off-topic advertising). Each has two thresholds, chosen by
the training command on data it did not train on: `likely` and `possible`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..paths import lexicon_root
from . import features

FOLDER = "_model"


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

    def scores(self, text: str) -> np.ndarray:
        """Every head's probability for `text` (of its most telling part, head by head, when it is
        read in parts: features.featurize)."""
        return 1 / (1 + np.exp(-self.logits(features.featurize(text, self.bits, self.table)).max(axis=0)))

    def logits(self, read: features.Read) -> np.ndarray:
        """Every head's score for each part of what was read: (parts, heads)."""
        if not len(read.ids):
            return self.bias[None, :]
        w = self.weights[read.ids]
        if read.part is None:
            return (self.bias + self.scale * w.sum(axis=0, dtype=np.int64) / np.sqrt(len(read.ids)))[None, :]
        heads = len(self.heads)
        # every (part, head) cell's sum in one bincount: cell = part · heads + head
        cells = (read.part[:, None] * heads + np.arange(heads)).ravel()
        sums = np.bincount(cells, weights=w.ravel(), minlength=read.parts * heads).reshape(read.parts, heads)
        counts = np.maximum(np.bincount(read.part, minlength=read.parts), 1)
        return self.bias + self.scale * sums / np.sqrt(counts)[:, None]

    def opinion(self, head: str, probability: float) -> Opinion:
        t = self.thresholds[head]
        sure = "likely" if probability >= t["likely"] else "possible" if probability >= t["possible"] else None
        return Opinion(head, float(probability), sure)

    @cached_property
    def index(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(self.heads)}

    def strongest(self, text: str, head: str, n: int = 3) -> list[tuple[str, float]]:
        """The words of `text` that pushed `head` up most, with their share of the score:
        what the model saw, for the moderator who judges it."""
        col = self.index[head]
        read = features.featurize(text, self.bits, self.table)
        if not len(read.ids):
            return []
        keep = np.ones(len(read.ids), dtype=bool)
        if read.part is not None:
            keep = read.part == int(np.argmax(self.logits(read)[:, col]))
        norm, words = read.norm, read.words
        w = self.weights[read.ids, col].astype(np.float64) * self.scale[col] / np.sqrt(max(1, keep.sum()))
        w[~keep] = 0
        # a feature belongs to the word its middle falls in (spaces belong to no word)
        owner = np.full(len(norm) + 1, -1)
        at = 1
        for k, word in enumerate(words):
            owner[at:at + len(word)] = k
            at += len(word) + 1
        per_word = np.zeros(len(words))
        for (s, e), x in zip(features.spans(norm), w):
            k = owner[(s + e - 1) // 2]
            if k >= 0:
                per_word[k] += x
        best = [k for k in np.argsort(-per_word, kind="stable")[:n] if per_word[k] >= 0.005]
        return [(words[k], round(float(per_word[k]), 2)) for k in best]


_LOADED: dict[Path, Model] = {}


def shipped(folder: Path | None = None) -> Model:
    """The model in lexicons/_model/ (or DOZOR_LEXICONS/_model/), loaded once a process."""
    folder = folder or lexicon_root() / FOLDER
    model = _LOADED.get(folder)
    if model is None:
        model = _LOADED[folder] = Model(folder)
    return model
