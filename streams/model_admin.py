"""`dozor model …`: train the learned second opinion, check the shipped one, explain a text.

    dozor model train [--data DIR] [--out DIR] [--seed N]   # needs the `train` extra
    dozor model train --check       # exit 1 when the shipped weights are not what this data trains
    dozor model explain "текст"     # each head's probability and the words behind it
    dozor model info                # what the shipped model is and what it was trained on
"""
from __future__ import annotations

import filecmp
import json
import sys
import tempfile
from pathlib import Path

DEFAULT_DATA = Path("../shared/datasets/train")


def add_parser(sub) -> None:
    p = sub.add_parser("model", help="the learned second opinion: train it, check it, explain a text")
    msub = p.add_subparsers(dest="action", required=True)
    q = msub.add_parser("train", help="train the model from the training data and the lexicons' examples "
                                      "(reproducible: the same data and seed give the same bytes)")
    q.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help=f"folder with russe_detox_train.jsonl and tg_spam_*.jsonl (default {DEFAULT_DATA})")
    q.add_argument("--lexicons", type=Path, default=None, help="lexicon folder (default: the one in force)")
    q.add_argument("--out", type=Path, default=None, help="where to write it (default: LEXICONS/_model)")
    q.add_argument("--seed", type=int, default=13)
    q.add_argument("--check", action="store_true",
                   help="train into a temporary folder and compare with the shipped model byte for byte")
    q = msub.add_parser("explain", help="each head's probability for a text, and the words behind it")
    q.add_argument("text", nargs="+")
    msub.add_parser("info", help="the shipped model's version, thresholds and training data")
    p.set_defaults(func=cmd_model)


def cmd_model(args) -> int:
    from filters.paths import lexicon_root
    lexicons = args.lexicons if getattr(args, "lexicons", None) else lexicon_root()
    if args.action == "train":
        return _train(args, Path(lexicons))
    from filters.learned.weights import ModelMissing, shipped
    try:
        model = shipped(Path(lexicons) / "_model")
    except (ModelMissing, ValueError) as err:
        print(f"dozor model: {err}", file=sys.stderr)
        return 1
    if args.action == "info":
        meta = {k: v for k, v in model.meta.items() if k not in ("disguises",)}
        print(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    text = " ".join(args.text)
    p = model.scores(text)
    print(f"model {model.version}: «{text}»")
    for k, head in enumerate(model.heads):
        o = model.opinion(head, p[k])
        t = model.thresholds[head]
        words = ", ".join(f"«{w}» {x:+.2f}" for w, x in model.strongest(text, head))
        print(f"  {head:9} {p[k]:.3f}  {o.certainty or 'below'} (possible ≥ {t['possible']:.3f}, "
              f"likely ≥ {t['likely']:.3f}); words: {words or '—'}")
    return 0


def _train(args, lexicons: Path) -> int:
    try:
        from filters.learned.train import train
        import sklearn  # noqa: F401  (the `train` extra: say so before reading anything)
    except ImportError:
        print("dozor model train: scikit-learn is not installed; install the training extra: "
              "pip install -e '.[train]'", file=sys.stderr)
        return 2
    data = args.data
    if not (data / "russe_detox_train.jsonl").exists():
        print(f"dozor model train: {data}/russe_detox_train.jsonl not found; pass --data DIR, the folder "
              f"../shared/datasets/train/ of the team's shared data", file=sys.stderr)
        return 2
    out = args.out or lexicons / "_model"
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            train(data, lexicons, Path(tmp), args.seed)
            same = all(filecmp.cmp(Path(tmp) / f, out / f, shallow=False) if (out / f).exists() else False
                       for f in ("weights.npy", "model.json"))
        print("the shipped model is what this data and seed train" if same else
              f"the model in {out} is NOT what this data and seed train: run `dozor model train` and commit it")
        return 0 if same else 1
    meta = train(data, lexicons, out, args.seed)
    print(f"model {meta['version']} written to {out} (weights.npy, model.json)")
    return 0
