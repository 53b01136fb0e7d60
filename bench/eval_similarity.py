"""How well the global synthesis merges ideas across territories and languages.

Clusters the labelled ideas of ``eval/ideas.jsonl`` with :func:`coacte.synthesis.semantic.
cluster`, bucketed as the global synthesis does (question, kind, grid dimension letter),
and prints the adjusted Rand index, the precision and recall of merged pairs, the wrong
merges and the time spent. A wrong merge hides a minority view: precision comes first.

    python bench/eval_similarity.py            # default Settings
    python bench/eval_similarity.py --sweep    # a small grid of thresholds and linkages
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scipy.special import comb  # noqa: E402

from coacte.synthesis import encoder, semantic  # noqa: E402
from coacte.synthesis.semantic import Settings  # noqa: E402

DATA = ROOT / "eval" / "ideas.jsonl"


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bucket(item: dict) -> tuple[int, str, str]:
    """The global synthesis's bucket: question, kind and the code's dimension letter."""
    return (item["question"], item["kind"], item["code"][:1].upper())


def adjusted_rand(truth: list, predicted: list) -> float:
    """Adjusted Rand index (Hubert and Arabie), as scikit-learn's adjusted_rand_score."""
    pairs = comb(len(truth), 2)
    both = sum(comb(c, 2) for c in Counter(zip(truth, predicted, strict=True)).values())
    a = sum(comb(c, 2) for c in Counter(truth).values())
    b = sum(comb(c, 2) for c in Counter(predicted).values())
    expected = a * b / pairs if pairs else 0.0
    top = (a + b) / 2
    return 1.0 if top == expected else float((both - expected) / (top - expected))


def pair_scores(truth: list, predicted: list) -> tuple[float, float, list[tuple[int, int]]]:
    """Precision and recall of merged pairs, and the wrongly merged pairs."""
    right = merged = expected = 0
    wrong = []
    for i, j in itertools.combinations(range(len(truth)), 2):
        same, together = truth[i] == truth[j], predicted[i] == predicted[j]
        right += same and together
        merged += together
        expected += same
        if together and not same:
            wrong.append((i, j))
    precision = right / merged if merged else 1.0
    recall = right / expected if expected else 1.0
    return precision, recall, wrong


def exact(truth: list, predicted: list) -> int:
    """How many gold ideas of two or more items come out exactly as one cluster."""
    sizes = Counter(truth)
    gold: dict = {}
    found: dict = {}
    for t, p in zip(truth, predicted, strict=True):
        gold.setdefault(t, set()).add(p)
        found.setdefault(p, set()).add(t)
    return sum(1 for t, labels in gold.items() if len(labels) == 1
               and found[next(iter(labels))] == {t} and sizes[t] > 1)


def evaluate(items: list[dict], settings: Settings, embeddings=None) -> dict:
    texts = [item["text"] for item in items]
    start = time.perf_counter()
    labels = semantic.cluster(texts, [bucket(i) for i in items], settings, embeddings)
    seconds = time.perf_counter() - start
    truth = [item["cluster"] for item in items]
    precision, recall, wrong = pair_scores(truth, labels)
    return {"labels": labels, "ari": adjusted_rand(truth, labels), "precision": precision,
            "recall": recall, "wrong": wrong, "seconds": seconds}


def halves(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """Two disjoint halves, every gold cluster whole in one of them (alternating)."""
    order = list(dict.fromkeys(item["cluster"] for item in items))
    side = {c: i % 2 for i, c in enumerate(order)}
    return ([i for i in items if side[i["cluster"]] == 0],
            [i for i in items if side[i["cluster"]] == 1])


def sweep(items: list[dict], embeddings) -> None:
    """A small grid: each line gives the whole set and its two halves, so that a
    threshold that only suits this set's accidents shows up as unstable."""
    a, b = halves(items)
    index = {id(item): n for n, item in enumerate(items)}
    print(f"\nsweep (halves: {len(a)} and {len(b)} items)")
    print("linkage   sentence words |   ARI    P     R   wrong | half A ARI/P | half B ARI/P")
    for link, sentence, words in itertools.product(
            ("average", "complete"), (0.46, 0.50, 0.54, 0.58), (None, 0.60, 0.64, 0.68)):
        settings = dataclasses.replace(Settings(), linkage=link, sentence_threshold=sentence,
                                       word_threshold=words)
        line = [evaluate(items, settings, embeddings)]
        for half in (a, b):
            line.append(evaluate(half, settings, embeddings[[index[id(i)] for i in half]]))
        whole, ha, hb = line
        words_text = "  -  " if words is None else f"{words:.2f} "
        print(f"{link:9s} {sentence:.2f}     {words_text} | {whole['ari']:.3f} "
              f"{whole['precision']:.3f} {whole['recall']:.3f} {len(whole['wrong']):4d} | "
              f"{ha['ari']:.3f} {ha['precision']:.3f} | {hb['ari']:.3f} {hb['precision']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="labelled ideas (JSON lines)")
    parser.add_argument("--sweep", action="store_true", help="also try a grid of thresholds")
    parser.add_argument("--examples", type=int, default=8, help="wrong merges to show")
    args = parser.parse_args(argv)

    items = load(args.data)
    texts = [item["text"] for item in items]
    start = time.perf_counter()
    encoder.encoder()
    load_seconds = time.perf_counter() - start
    start = time.perf_counter()
    embeddings = encoder.embed(texts)
    embed_seconds = time.perf_counter() - start

    settings = Settings()
    result = evaluate(items, settings)
    truth = [item["cluster"] for item in items]
    print(f"data: {args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT) else args.data}")
    print(f"items: {len(items)}  gold clusters: {len(set(truth))} "
          f"(of which merged ideas: {sum(1 for c in Counter(truth).values() if c > 1)})  "
          f"predicted clusters: {len(set(result['labels']))}")
    print(f"settings: {settings}")
    print(f"adjusted Rand index: {result['ari']:.3f}")
    print(f"merged pairs: precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    print(f"ideas found whole (every member, nothing else): {exact(truth, result['labels'])}"
          f" of {sum(1 for c in Counter(truth).values() if c > 1)} merged ideas")
    print(f"wrong merges (pairs): {len(result['wrong'])}")
    for i, j in result["wrong"][:args.examples]:
        print(f"  - [{items[i]['lang']}] {texts[i]}\n    [{items[j]['lang']}] {texts[j]}")
    print(f"encoder load: {load_seconds:.2f} s   sentence embeddings ({len(texts)} texts): "
          f"{embed_seconds:.2f} s   clustering (embedding included): {result['seconds']:.2f} s")
    if args.sweep:
        sweep(items, embeddings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
