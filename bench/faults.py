"""Fault tolerance of `coacte synthesize`: a run through a faulty network, resumed until done.

On the configured wiki (after ``coacte install``), creates N debate pages (territories
"Panne <tag> 0000"…), then runs :func:`coacte.jobs.synthesize.synthesize` through
``bench/fault_proxy.py`` (HTTP 5xx, slow answers past the client's timeout, maxlag,
read-only, dropped connections on ``--rate`` of the api.php calls). When a run stops on a
WikiError it is run again, as a person would ("resume with one command"), until it
completes. Then, through the wiki directly (no proxy), it checks: every synthesis page
exists exactly once (one bot revision, one region), each region is intact and its
fingerprint matches its body, no page is half-written, and a final run makes 0 edits.

``--human-edits K``: meanwhile a thread, as the local wiki's moderator, changes the text
inside K synthesis pages' regions; all K must end reported as conflicts, none overwritten.

    coacte wiki up && coacte install
    python bench/faults.py --pages 1000 --rate 0.1 --seed 1 [--human-edits 100]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import mwclient

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fault_proxy  # noqa: E402
from coacte import config as settings  # noqa: E402
from coacte.config import Config  # noqa: E402
from coacte.jobs.publish import CONFLICT, UNCHANGED  # noqa: E402
from coacte.jobs.report import Report  # noqa: E402
from coacte.jobs.synthesize import synthesize, synthesize_changed  # noqa: E402
from coacte.wiki.client import Wiki, WikiError, connect  # noqa: E402
from coacte.wikitext import region  # noqa: E402
from coacte.wikitext.values import encode  # noqa: E402

WORDS = ["jardin", "logement", "transport", "jeunes", "aînés", "budget", "école", "santé",
         "emploi", "culture", "voisins", "quartier", "énergie", "eau", "sport"]
HUMAN_MARK = "Note humaine dans la zone du bot"


def debate(territory: str, postits: int, rng: random.Random) -> str:
    lines = [f"{{{{CO-ACTE débat|territoire={encode(territory)}|tour=1|pays=FR}}}}"]
    for i in range(postits):
        words = " ".join(rng.choice(WORDS) for _ in range(5)) if i % 4 else "Le jardin partagé"
        q = 1 + i % 3
        kind = f"|nature={'blocage' if i % 2 else 'levier'}" if q == 3 else ""
        lines.append(f"{{{{CO-ACTE post-it|question={q}|texte={encode(words)}{kind}"
                     f"|groupe=G{i % 3}}}}}")
    return "\n".join(lines)


def territories(prefix: str, pages: int) -> list[str]:
    return [f"{prefix} {n:04d}" for n in range(pages)]


def create_debates(config: Config, names: list[str], postits: int, seed: int = 1) -> None:
    """Create the debate pages (directly, no proxy) that do not exist yet."""
    wiki = connect(config)
    rng = random.Random(seed)
    titles = {f"Débat:{name}/Tour 1": name for name in names}
    existing = wiki.read(titles)
    for title, name in titles.items():
        if existing[title] is None:
            saved = wiki.save(title, debate(name, postits, rng), "fault bench setup", None)
            assert saved.status == "saved", saved


def synthesis_titles(wiki: Wiki, names: list[str]) -> list[str]:
    return [wiki.titles.synthesis(name, 1) for name in names]


class Quiet(Report):
    def __init__(self, on_outcome=None) -> None:
        self.on_outcome = on_outcome

    def problems(self, problems) -> None:
        pass

    def outcome(self, outcome, n, total) -> None:
        if self.on_outcome:
            self.on_outcome(outcome, n, total)

    def line(self, text, err=False) -> None:
        pass


@dataclass
class Attempt:
    seconds: float
    requests: int
    edits: int = 0
    conflicts: list[str] = field(default_factory=list)
    error: str = ""
    unexpected: str = ""  # an exception that is not a WikiError: a bug


@dataclass
class Resilient:
    attempts: list[Attempt] = field(default_factory=list)
    completed: bool = False
    status: int | None = None

    @property
    def requests(self) -> int:
        return sum(a.requests for a in self.attempts)

    @property
    def conflicts(self) -> set[str]:
        return {t for a in self.attempts for t in a.conflicts}

    @property
    def unexpected(self) -> list[str]:
        return [a.unexpected for a in self.attempts if a.unexpected]


def resilient_run(config: Config, proxy_url: str, names: list[str], *, max_attempts: int = 20,
                  timeout: float = 5, retry_timeout: float = 0.5, report: Quiet | None = None,
                  log=None, state: Path | None = None) -> Resilient:
    """Run the synthesis of ``names`` through the proxy, again after each failure, until
    one run completes (or ``max_attempts``). With ``state``, each attempt is the
    whole-wiki incremental run (`coacte synthesize`), which resumes where the last stopped."""
    faulty = replace(config, wiki_url=proxy_url)
    only = [(name, 1) for name in names]
    run = Resilient()
    for n in range(1, max_attempts + 1):
        start = time.perf_counter()
        wiki = Wiki(faulty, timeout=timeout, retry_timeout=retry_timeout)
        attempt = Attempt(0, 0)
        outer = report.on_outcome if isinstance(report, Quiet) else None

        def seen(outcome, i, total, attempt=attempt, outer=outer):
            # counted as they happen: a run that stops midway has written pages too
            if outcome.status == CONFLICT:
                attempt.conflicts.append(outcome.title)
            elif outcome.status != UNCHANGED:
                attempt.edits += 1
            if outer:
                outer(outcome, i, total)

        try:
            wiki.login()
            if state is None:
                result = synthesize(wiki, only=only, report=Quiet(seen))
            else:
                result = synthesize_changed(wiki, state, report=Quiet(seen))
            run.completed, run.status = True, result.status
        except WikiError as exc:
            attempt.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug to report, then resume anyway
            attempt.unexpected = "".join(traceback.format_exception_only(exc)).strip()
            attempt.error = attempt.unexpected
            if log:
                log(traceback.format_exc())
        attempt.seconds = time.perf_counter() - start
        attempt.requests = wiki.total_requests
        run.attempts.append(attempt)
        if log:
            log(f"attempt {n}: {attempt.seconds:.1f} s, {attempt.requests} requests, "
                f"{attempt.edits} edits, {len(attempt.conflicts)} conflicts"
                + (f", stopped: {attempt.error[:160]}" if attempt.error else ", completed"))
        if run.completed:
            break
    return run


def all_pages(wiki: Wiki, namespace: int, prefix: str) -> list[str]:
    titles: list[str] = []
    cont: dict = {}
    while True:
        result = wiki.call("query", list="allpages", apnamespace=namespace, apprefix=prefix,
                           aplimit="max", formatversion=2, **cont)
        titles += [p["title"] for p in result["query"]["allpages"]]
        if "continue" not in result:
            return titles
        cont = result["continue"]


def bot_revisions(wiki: Wiki, namespace: int, since: str) -> Counter[str]:
    """Revisions the bot account saved since ``since`` in ``namespace``, by title."""
    counts: Counter[str] = Counter()
    cont: dict = {}
    while True:
        result = wiki.call("query", list="usercontribs", ucuser=wiki.username,
                           ucnamespace=namespace, ucdir="newer", ucstart=since,
                           uclimit="max", ucprop="title|ids", formatversion=2, **cont)
        for contrib in result["query"]["usercontribs"]:
            counts[contrib["title"]] += 1
        if "continue" not in result:
            return counts
        cont = result["continue"]


def _page_verdicts(page, human: dict[str, str], bot_revisions_: int) -> list[str]:
    """What is wrong with one synthesis page after the run: ``half`` (no one intact
    region), ``overwritten`` (a human edit lost), ``bad_fp`` (region and fingerprint
    disagree), ``multi`` (not saved exactly once by the bot)."""
    if page is None:
        return []
    text, title = page.text, page.title
    body = region.body_of(text)
    if len(region.begin_marks(text)) != 1 or len(region.end_marks(text)) != 1 or body is None:
        return ["half"]
    if title in human:
        return ["overwritten"] if human[title] not in text else []
    found = []
    if region.begin_marks(text)[0].group(1) != region.fingerprint(body):
        found.append("bad_fp")
    elif text != region.wrap(body):
        found.append("half")
    return found + (["multi"] if bot_revisions_ != 1 else [])


def check(config: Config, names: list[str], prefix: str, since: str,
          human: dict[str, str] | None = None) -> dict:
    """What the wiki holds, read directly: the figures and the list of failures."""
    human = human or {}
    wiki = connect(config)
    titles = synthesis_titles(wiki, names)
    ns = config.synthesis_namespace
    listed = Counter(all_pages(wiki, ns, prefix))
    pages = wiki.read(titles)
    revisions = bot_revisions(wiki, ns, since)
    failures: list[str] = []
    missing = [t for t in titles if pages[t] is None]
    duplicated = [t for t, c in listed.items() if c > 1]
    extra = sorted(set(listed) - set(titles))
    if missing:
        failures.append(f"{len(missing)} synthesis pages missing, e.g. {missing[:3]}")
    if duplicated or extra:
        failures.append(f"pages listed twice {duplicated[:3]} or unexpected {extra[:3]}")
    found: dict[str, list[str]] = {"half": [], "bad_fp": [], "multi": [], "overwritten": []}
    for title in titles:
        for verdict in _page_verdicts(pages[title], human, revisions[title]):
            found[verdict].append(title if verdict != "multi"
                                  else f"{title} ({revisions[title]} bot revisions)")
    half, bad_fp, multi, overwritten = (found[k] for k in ("half", "bad_fp", "multi",
                                                           "overwritten"))
    if half:
        failures.append(f"{len(half)} pages without one intact region: {half[:3]}")
    if bad_fp:
        failures.append(f"{len(bad_fp)} regions whose fingerprint does not match: {bad_fp[:3]}")
    if multi:
        failures.append(f"{len(multi)} pages not saved exactly once: {multi[:3]}")
    if overwritten:
        failures.append(f"{len(overwritten)} human edits overwritten: {overwritten[:3]}")
    final = synthesize(wiki, only=[(name, 1) for name in names], report=Quiet())
    conflicts = {o.title for o in final.outcomes if o.status == CONFLICT}
    if final.edits:
        failures.append(f"the final direct run made {final.edits} edits")
    if conflicts != set(human):
        failures.append(f"final run conflicts {len(conflicts)} != {len(human)} human edits: "
                        f"{sorted(conflicts ^ set(human))[:3]}")
    return {"pages": len(titles), "present": len(titles) - len(missing),
            "listed": sum(listed.values()), "intact": len(titles) - len(missing) - len(half),
            "fingerprint_mismatch": len(bad_fp), "not_saved_once": len(multi),
            "half_written": len(half), "human_kept": len(human) - len(overwritten),
            "final_edits": final.edits, "final_conflicts": len(conflicts),
            "failures": failures}


def moderator(config: Config) -> mwclient.Site:
    local = config.extra["local"]
    site = mwclient.Site(config.wiki_url.split("://", 1)[1], path="/", scheme="http")
    site.clientlogin(username=local["moderator_user"], password=local["moderator_password"])
    return site


def human_change(text: str, mark: str) -> str:
    """``text`` with a line added inside the bot's region (just before its end marker)."""
    end = region.end_marks(text)[0].start()
    return text[:end] + f"{mark}\n" + text[end:]


class HumanEditor(threading.Thread):
    """Edits inside the regions of ``count`` synthesis pages as soon as they exist."""

    def __init__(self, config: Config, titles: list[str], count: int) -> None:
        super().__init__(name="human-edits", daemon=True)
        self.config, self.titles, self.count = config, titles, count
        self.done: dict[str, str] = {}  # title → the line the human added
        self.during = 0
        self.running = threading.Event()
        self.running.set()
        self.error = ""

    def run(self) -> None:
        try:
            site = moderator(self.config)
            wiki = connect(self.config)
            while len(self.done) < self.count:
                todo = [t for t in self.titles if t not in self.done]
                pages = wiki.read(todo)
                ready = [t for t in todo if pages[t] is not None
                         and region.body_of(pages[t].text) is not None]
                if not ready:
                    time.sleep(0.3)
                    continue
                for title in ready[: self.count - len(self.done)]:
                    mark = f"{HUMAN_MARK} {len(self.done) + 1} ({uuid.uuid4().hex[:6]})"
                    page = site.pages[title]
                    try:
                        page.edit(human_change(page.text(), mark), summary="human edit")
                    except mwclient.errors.EditError:
                        continue  # a conflict with the bot: try again next round
                    self.done[title] = mark
                    self.during += self.running.is_set()
        except Exception as exc:  # noqa: BLE001 - reported by the bench
            self.error = f"{type(exc).__name__}: {exc}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--postits", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5, help="client timeout (s)")
    parser.add_argument("--slow", type=float, default=6, help="a slow answer's delay (s)")
    parser.add_argument("--retry-timeout", type=float, default=0.5,
                        help="mwclient's backoff step between retries (s)")
    parser.add_argument("--max-attempts", type=int, default=20)
    parser.add_argument("--human-edits", type=int, default=0)
    parser.add_argument("--incremental", action="store_true",
                        help="Each attempt is the whole-wiki incremental `coacte synthesize` "
                             "(resumes from its state file) instead of a full run of the "
                             "bench's pages.")
    args = parser.parse_args()
    config = settings.load()
    tag = uuid.uuid4().hex[:6]
    prefix = f"Panne {tag}"
    names = territories(prefix, args.pages)
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
    t0 = time.perf_counter()
    create_debates(config, names, args.postits, args.seed)
    print(f"setup: {args.pages} debate pages '{prefix} NNNN' in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    proxy_url, stats, stop = fault_proxy.start(config.wiki_url, args.rate, args.seed,
                                               slow=args.slow)
    editor = None
    if args.human_edits:
        titles = synthesis_titles(connect(config), names)
        editor = HumanEditor(config, titles, args.human_edits)
        editor.start()
    start = time.perf_counter()
    try:
        run = resilient_run(config, proxy_url, names, max_attempts=args.max_attempts,
                            timeout=args.timeout, retry_timeout=args.retry_timeout,
                            log=lambda s: print("  " + s, flush=True),
                            state=Path(tempfile.mkdtemp()) / "state.json"
                            if args.incremental else None)
    finally:
        seconds = time.perf_counter() - start
        stop()
    human: dict[str, str] = {}
    if editor:
        editor.running.clear()
        editor.join(timeout=120)
        human = dict(editor.done)
    print(f"run: {'completed' if run.completed else 'NOT completed'} after "
          f"{len(run.attempts)} attempts ({len(run.attempts) - 1} resumes), {seconds:.1f} s, "
          f"{run.requests} requests counted by the bot")
    print(f"proxy: {stats.summary()}")
    retried = run.conflicts - set(human)
    print(f"conflicts reported during the run: {len(run.conflicts)} "
          f"({len(run.conflicts & set(human))} human edits, {len(retried)} others)")
    if editor:
        print(f"human edits: {len(human)} ({editor.during} during the run)"
              + (f", error: {editor.error}" if editor.error else ""))
    t1 = time.perf_counter()
    result = check(config, names, prefix + " ", since, human)
    failures = result.pop("failures")
    if run.unexpected:
        failures.append(f"{len(run.unexpected)} exceptions that are not WikiError: "
                        f"{sorted(set(run.unexpected))}")
    if not run.completed:
        failures.append(f"the run did not complete in {args.max_attempts} attempts")
    if editor and len(human) != args.human_edits:
        failures.append(f"only {len(human)} of {args.human_edits} human edits were made")
    print(f"check ({time.perf_counter() - t1:.1f} s, direct): "
          + ", ".join(f"{k} {v}" for k, v in result.items()))
    print("RESULT: " + ("OK" if not failures else "FAILED\n  " + "\n  ".join(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
