"""Fuzz the debate-page parser and validator: whatever the page, nothing raises and nothing
is lost.

Each case is a page text, run through ``parse.calls``, ``validate.read_debate`` (and
``read_grid``), then checked: every problem located (index between 1 and the number of
calls), and, when the header is usable, every post-it call either kept or excluded with
a blocking problem at its index. An exception or a broken invariant is a failure: the
first few are printed and saved to ``bench/fuzz-failures/`` (input + traceback).

Engines: ``atheris`` (coverage-guided libFuzzer, ``pip install atheris``; the default when
it imports) or ``random`` (a seeded mutation fuzzer, no dependency). Both start from the
demo debates (``demo/debates/``) and hostile texts.

    python bench/fuzz_parser.py [--cases 100000] [--engine atheris|random] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from coacte.package_data import DEMO  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAILURES_DIR = ROOT / "bench" / "fuzz-failures"
SHOWN = 5
MAX_LEN = 4096

HOSTILE = [
    "[[Catégorie:x]]", "<script>alert(1)</script>", "signé ~~~~", "__NOTOC__",
    "{{DISPLAYTITLE:x}}", "== heading ==", "a {{!}} b", "fin }} et | tube",
    "&amp; &eacute; &#124; &#99999999; &#x110000;", "{{subst:CURRENTTIME}}",
    "'''gras''' et ''italique''", "* liste\n# numérotée\n: indent\n ; pre\n----",
    '"><img src=x onerror=alert(1)>', "<!-- {{CO-ACTE post-it|question=1|texte=x}} -->",
    "<nowiki>{{CO-ACTE post-it|question=1|texte=x}}</nowiki>", "{{{1|{{CO-ACTE débat}}}}}",
]
FRAGMENTS = [
    "{{CO-ACTE débat", "{{CO-ACTE post-it", "{{co-ACTE_post-it", "{{Template:CO-ACTE post-it",
    "{{CO-ACTE réaction", "{{CO-ACTE code", "{{CO-ACTE apport", "{{", "}}", "{{{", "}}}",
    "|", "=", "| question = 3", "| texte = ", "| text = ", "| tour = 1", "| territoire = T",
    "| nature = levier", "| code = C01/P15", "| niveau = local, x", "| idée = k",
    "| accord = oui", "| priorité = 9", "<!--", "-->", "<nowiki>", "</nowiki>", "[[", "]]",
    "&#124;", "&amp;", "\n", "== h ==", "<ref>", "</ref>", "{|", "|}", "{{#if:", "\x00",
    "\u200b", "\u2028", "é", "•",
]


def seeds() -> list[str]:
    from coacte.wikitext.debate_page import debate_page

    found = [p.read_text(encoding="utf-8") for p in sorted((DEMO / "debates").glob(
        "*.wikitext"))]
    found += HOSTILE
    found.append(debate_page({"territoire": "T", "tour": "1"},
                             [{"question": "3", "texte": h, "nature": "levier"}
                              for h in HOSTILE]))
    found.append("{{CO-ACTE débat|territoire=T|tour=2}}\n" + "".join(
        f"{{{{CO-ACTE post-it|question={q}|texte={h}|texte=dup|inconnu=1|positional}}}}\n"
        for q, h in zip("1230x", HOSTILE, strict=False)))
    return found


class Runner:
    """Runs one case, checks the invariants and keeps the failures."""

    def __init__(self, cases: int):
        from coacte import contract, validate
        from coacte.model import Grid, GridEntry, PageRevision
        from coacte.wikitext import parse

        self.contract, self.validate, self.parse = contract, validate, parse
        self.PageRevision = PageRevision
        self.grid = Grid({"C": GridEntry("C", "Organisations"),
                          "C01": GridEntry("C01", "I", "C"), "P": GridEntry("P", "S", kind="sens")})
        self.cases, self.done, self.failures = cases, 0, []
        self.kinds: dict[str, int] = {}
        self.start = time.perf_counter()

    def check(self, text: str) -> None:
        c, v = self.contract, self.validate
        page = self.PageRevision("Débat:F/Tour 1", 1, "", text)
        found = self.parse.calls(text)
        debate, problems = v.read_debate(page, self.grid)
        v.read_grid(page)
        n = sum(1 for call in found if call.template is c.POSTIT)
        reactions = sum(1 for call in found if call.template is c.REACTION)
        for p in problems:
            limit = reactions if p.item == "reaction" else n
            assert p.index is None or 1 <= p.index <= limit, f"index out of range: {p}"
            p.message("fr")
        if debate is None:
            assert any(p.blocking and p.index is None for p in problems), "page left out silently"
            return
        assert len(debate.postits) + debate.excluded == n, "post-it lost"
        kept = {p.index for p in debate.postits}
        blocked = {p.index for p in problems
                   if p.blocking and p.item == "postit" and p.index is not None}
        assert not kept & blocked, f"kept post-its with a blocking problem: {kept & blocked}"
        assert kept | blocked == set(range(1, n + 1)), "excluded post-it without a reason"

    def run(self, data: bytes | str) -> None:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        self.done += 1
        try:
            self.check(text)
        except Exception as exc:  # every exception is a finding, counted and kept
            kind = f"{type(exc).__name__}: {str(exc)[:120]}"
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            self.failures.append((text, traceback.format_exc()))
            del self.failures[SHOWN * 4:]

    def report(self, engine: str) -> int:
        seconds = time.perf_counter() - self.start
        failed = sum(self.kinds.values())
        print(f"engine {engine}: {self.done} cases in {seconds:.1f} s "
              f"({self.done / seconds:.0f} cases/s), {failed} failures")
        for kind, count in sorted(self.kinds.items(), key=lambda kv: -kv[1]):
            print(f"  {count} × {kind}")
        if self.failures:
            FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        for i, (text, tb) in enumerate(self.failures[:SHOWN], 1):
            path = FAILURES_DIR / f"failure-{i}.txt"
            path.write_text(f"{tb}\n--- input ({len(text)} chars) ---\n{text}", encoding="utf-8")
            print(f"--- failure {i} (saved to {path.relative_to(ROOT)}): {text[:300]!r}")
            print(tb.rstrip().splitlines()[-1])
        sys.stdout.flush()
        return 1 if failed else 0


# -- engines -----------------------------------------------------------------------------


def mutate(rng: random.Random, pool: list[str]) -> str:
    text = rng.choice(pool)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randint(0, len(text))
        op = rng.randrange(7)
        if op == 0:
            text = text[:pos] + rng.choice(FRAGMENTS) + text[pos:]
        elif op == 1:
            text = text[:pos] + text[pos + rng.randint(1, 40):]
        elif op == 2:
            end = min(len(text), pos + rng.randint(1, 200))
            text = text[:end] + text[pos:]
        elif op == 3 and text:
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice("|{}[]<>&~_=!'*#:;-\n\t é#;") + text[i + 1:]
        elif op == 4:
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            text = text[:pos] + other[cut:cut + rng.randint(1, 400)] + text[pos:]
        elif op == 5:
            text = text[:pos]
        else:
            text = text[:pos] + chr(rng.randint(1, 0x10FFFF)).encode(
                "utf-8", "replace").decode("utf-8", "replace") + text[pos:]
    return text[:MAX_LEN]


def run_random(runner: Runner, seed: int) -> None:
    rng = random.Random(seed)
    pool = seeds()
    for text in pool:
        runner.run(text)
    while runner.done < runner.cases:
        runner.run(mutate(rng, pool))


def run_atheris(runner: Runner, seed: int) -> None:
    import atheris

    corpus = Path(tempfile.mkdtemp(prefix="coacte-fuzz-"))
    for i, text in enumerate(seeds()):
        (corpus / f"seed-{i}").write_bytes(text.encode("utf-8")[:MAX_LEN])
    dictionary = corpus / "wikitext.dict"
    dictionary.write_text("\n".join('"' + "".join(
        chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02X}"
        for b in f.encode("utf-8")) + '"' for f in FRAGMENTS) + "\n", encoding="ascii")

    def target(data: bytes) -> None:
        runner.run(data)
        if runner.done >= runner.cases:
            code = runner.report("atheris (libFuzzer, coverage-guided)")
            shutil.rmtree(corpus, ignore_errors=True)
            os._exit(code)

    atheris.Setup([sys.argv[0], f"-seed={seed}", f"-max_len={MAX_LEN}", "-timeout=20",
                   f"-dict={dictionary}", "-print_final_stats=0", str(corpus)], target)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--engine", choices=("auto", "atheris", "random"), default="auto")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = args.engine
    if engine in ("auto", "atheris"):
        try:
            import atheris

            with atheris.instrument_imports(include=["coacte"]):
                import coacte.validate  # noqa: F401
                import coacte.wikitext.debate_page  # noqa: F401
        except ImportError:
            if engine == "atheris":
                raise
            engine = "random"
        else:
            engine = "atheris"
    runner = Runner(args.cases)
    if engine == "atheris":
        run_atheris(runner, args.seed)  # exits the process when done
    run_random(runner, args.seed)
    return runner.report("random mutation")


if __name__ == "__main__":
    sys.exit(main())
