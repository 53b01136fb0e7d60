"""The review queue's ranking: pairs of global ideas that may be one idea, members that
may not belong. Pools with hand-made vectors test the ranking's rules; a global synthesis
with the real encoder, and the ``coacte global`` job on a fake wiki, test the doors."""

from __future__ import annotations

import numpy as np

from coacte.curation import Curation
from coacte.jobs.global_round import global_synthesis as global_job
from coacte.model import GlobalIdea, GlobalSynthesis, Idea, Member, PageRevision, PostIt
from coacte.render import jsondata
from coacte.synthesis import suggestions
from coacte.synthesis.suggestions import (
    Check,
    Pool,
    Suggestion,
    Weights,
    answered,
    checks,
    member_checks,
    ranked,
    suggest,
)
from tests.unit.test_jobs import FakeWiki


def unit(*values: float) -> np.ndarray:
    v = np.array(values + (0.0,) * (4 - len(values)), dtype=np.float32)
    return v / np.linalg.norm(v)


def make_pool(ideas: list[tuple[str, tuple, str, list[np.ndarray]]]) -> Pool:
    """ideas: (key, bucket, code, member vectors)."""
    owner, vectors, refs = [], [], []
    for n, (key, _, _, members) in enumerate(ideas):
        for k, v in enumerate(members):
            owner.append(n)
            vectors.append(v)
            refs.append(f"T{k}/{key}")
    return Pool([i[0] for i in ideas], [i[1] for i in ideas],
                [frozenset([i[2]] if i[2] else []) for i in ideas],
                np.array(owner, dtype=np.int64), np.stack(vectors), np.ones(len(owner)), refs)


Q1 = (1, "")


def test_pairs_come_best_first_within_a_bucket_only():
    pool = make_pool([
        ("a", Q1, "", [unit(1, 0)]),
        ("b", Q1, "", [unit(1, 0.2)]),        # close to a
        ("c", Q1, "", [unit(0, 1)]),          # far from both
        ("d", (2, ""), "", [unit(1, 0.05)]),  # close, but another question
        ("e", (3, "blocage"), "", [unit(1, 0)]),
        ("f", (3, "levier"), "", [unit(1, 0)]),  # same question, another kind
    ])
    found = ranked(pool, weights=Weights(size=0.0))
    assert [s.ideas for s in found] == [("a", "b"), ("b", "c"), ("a", "c")]
    assert found[0].score > found[1].score > found[2].score
    assert found[0].why == "sentences 0.98"


def test_an_idea_without_members_is_left_out():
    pool = make_pool([("a", Q1, "", [unit(1, 0)]), ("b", Q1, "", [unit(1, 0.2)])])
    pool.keys.append("empty")
    pool.buckets.append(Q1)
    pool.codes.append(frozenset())
    assert [s.ideas for s in ranked(pool)] == [("a", "b")]


def test_a_shared_code_ranks_higher_and_other_dimensions_lower():
    close = [unit(1, 0.4)]
    pool = make_pool([
        ("x", Q1, "C01", [unit(1, 0)]),
        ("same", Q1, "C01", close),
        ("other", Q1, "D02", close),
        ("none", Q1, "", close),
    ])
    found = {s.ideas: s for s in ranked(pool)}
    assert found[("x", "same")].score > found[("x", "none")].score \
        > found[("x", "other")].score
    assert found[("x", "same")].why == "same code C01, sentences 0.93"
    assert found[("x", "other")].why == "codes C01 and D02 differ, sentences 0.93"


def test_decided_pairs_are_never_suggested_and_limit_holds():
    pool = make_pool([(k, Q1, "", [unit(1, n / 10)]) for n, k in enumerate("abcde")])
    every = ranked(pool)
    assert len(every) == 10
    assert len(ranked(pool, limit=3)) == 3 and ranked(pool, limit=0) == []
    first = every[0].ideas
    again = ranked(pool, decided={(first[1], first[0])})
    assert first not in [s.ideas for s in again] and len(again) == 9
    assert again == every[1:]


def test_the_ranking_is_deterministic_ties_by_keys():
    same = [unit(1, 1)]
    pool = make_pool([(k, Q1, "", same) for k in ("z", "m", "a")])
    found = ranked(pool, weights=Weights(size=0.0))
    # Equal scores: by the keys (each pair named in the ideas' order).
    assert [s.ideas for s in found] == [("m", "a"), ("z", "a"), ("z", "m")]
    assert found == ranked(pool, weights=Weights(size=0.0))


def test_bigger_ideas_come_first_among_equals():
    pool = make_pool([("a", Q1, "", [unit(1, 0)] * 3), ("b", Q1, "", [unit(1, 0)] * 3),
                      ("c", Q1, "", [unit(1, 0)]), ("d", Q1, "", [unit(1, 0)])])
    assert ranked(pool)[0].ideas == ("a", "b")
    assert ranked(pool)[-1].ideas == ("c", "d")


def test_a_large_bucket_keeps_each_ideas_best_neighbours(monkeypatch):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ideas = [(f"k{n:02d}", Q1, "", [v]) for n, v in enumerate(vectors)]
    pool = Pool([i[0] for i in ideas], [Q1] * 60, [frozenset()] * 60, np.arange(60),
                vectors, np.ones(60), [f"T/{i[0]}" for i in ideas])
    dense = ranked(pool, limit=10_000)
    assert len(dense) == 60 * 59 // 2
    monkeypatch.setattr(suggestions, "DENSE", 10)
    monkeypatch.setattr(suggestions, "NEIGHBOURS", 3)
    monkeypatch.setattr(suggestions, "_BLOCK_CELLS", 200)  # many blocks
    sparse = ranked(pool, limit=10_000)
    assert 60 * 3 // 2 <= len(sparse) <= 60 * 3
    assert sparse[:5] == dense[:5]  # the best pairs are everyone's best neighbours


def test_checks_ask_about_doubtful_parts_and_flagged_members():
    pool = make_pool([
        ("a", Q1, "", [unit(1, 0), unit(1, 0.1), unit(1, 0.8)]),  # T2/a: a part of its own
        ("b", Q1, "", [unit(1, 0), unit(1, 0.2), unit(1, 0.3)]),  # one sure part
        ("c", Q1, "", [unit(0, 1)]),
    ])
    pool.parts = np.array([0, 0, 1, 5, 5, 5, 9])
    pool.flags = [(), (), (), (), (), ("negation",), ()]
    found = checks(pool)
    assert [(c.idea, c.members) for c in found] == [("a", ("T2/a",)), ("b", ("T2/b",))]
    assert all(isinstance(c, Check) for c in found)
    assert found[0].why.startswith("merged by the tool without being sure")
    assert "negation" in found[1].why and found[1].explain("fr").startswith("une négation")
    # A confirmed member is not asked again; a member of a sure merge without flag never.
    assert [c.idea for c in checks(pool, checked={"T2/a"})] == ["b"]
    pool.flags = None
    assert [c.idea for c in checks(pool)] == ["a"]


def test_one_queue_mixes_merges_and_checks_by_gain():
    pool = make_pool([
        ("a", Q1, "", [unit(1, 0), unit(0, 1)]),  # a doubtful merge of two far members
        ("b", Q1, "", [unit(1, 0.05)]),           # very close to a's first member
    ])
    pool.parts = np.array([0, 1, 2])
    review = suggestions.Review(pool)
    kinds = {type(q) for q in review.next(limit=5)}
    assert kinds == {Check, Suggestion}
    # "No" on the far member sets it apart; the new idea is never suggested back.
    check = next(q for q in review.next(limit=5) if isinstance(q, Check))
    after = review.split(check.idea, check.members)
    assert len(after.pool.keys) == 3 and not any(
        isinstance(q, Check) for q in after.next(limit=5))
    new = after.pool.keys[-1]
    assert all(set(q.ideas) != {"a", new} for q in after.next(limit=5))
    # "Yes" confirms it: asked no more.
    assert not any(isinstance(q, Check) for q in review.confirm(check.idea, check.members)
                   .next(limit=5))


def test_answered_pairs_come_from_merges_and_keep_apart_decisions():
    pairs = answered([Curation("fusionner", ideas=("a", "b", "c")),
                      Curation("distinguer", ideas=("d", "e")),
                      Curation("reformuler", idea="f", statement="x")])
    assert pairs == {frozenset(p) for p in (("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"))}


# ------------------------------------------------------------- the global synthesis

def idea(territory: str, key: str, text: str, code: str = "", question: int = 1,
         kind: str = "", posts: int = 1) -> Member:
    sources = [PostIt(f"Débat:{territory}/Tour 1", 1, n, question, text, code=code, kind=kind)
               for n in range(1, posts + 1)]
    return Member(territory, Idea(key, question, kind, code, text, [], sources))


def synthesis() -> GlobalSynthesis:
    garden = [idea("Lyon", "q1-a", "Le jardin partagé rapproche les voisins.", "D02"),
              idea("Leeds", "q1-b", "The community garden brought neighbours together.",
                   "D02"),
              idea("Braga", "q1-c", "A horta comunitária aproximou os vizinhos."),
              idea("Cork", "q1-d", "The swimming pool roof leaks.")]
    ideas = [GlobalIdea(f"g1-{m.idea.key}", 1, "", m.idea.code, m.idea.statement, [m])
             for m in garden]
    ideas.append(GlobalIdea("g3b-1", 3, "blocage", "", "Funding is voted every year.",
                            [idea("Leeds", "q3-a", "Funding is voted every year.",
                                  question=3, kind="blocage")]))
    ideas.append(GlobalIdea("g3l-1", 3, "levier", "", "Funding is voted every year.",
                            [idea("Lyon", "q3-b", "Funding is voted every year.",
                                  question=3, kind="levier")]))
    ideas.append(GlobalIdea("g2-big", 2, "", "", "Le bus passe trop rarement.", [
        idea("Lyon", "q2-a", "Le bus passe trop rarement."),
        idea("Leeds", "q2-b", "The bus hardly ever comes."),
        idea("Braga", "q2-c", "O autocarro passa muito poucas vezes."),
        idea("Cork", "q2-d", "Les bénévoles sont épuisés.")]))
    return GlobalSynthesis(1, [], ideas)


def test_suggest_ranks_a_global_synthesis_with_the_encoder():
    g = synthesis()
    found = suggest(g)
    assert all(isinstance(s, Suggestion) for s in found)
    assert {frozenset(s.ideas) for s in found} == {
        frozenset(p) for p in (("g1-q1-a", "g1-q1-b"), ("g1-q1-a", "g1-q1-c"),
                               ("g1-q1-a", "g1-q1-d"), ("g1-q1-b", "g1-q1-c"),
                               ("g1-q1-b", "g1-q1-d"), ("g1-q1-c", "g1-q1-d"))}
    assert found[0].ideas == ("g1-q1-a", "g1-q1-b") and "same code D02" in found[0].why
    assert set(found[-1].ideas) & {"g1-q1-d"}  # the swimming pool is the least likely
    assert suggest(g, decided={("g1-q1-b", "g1-q1-a")})[0].ideas != ("g1-q1-a", "g1-q1-b")
    assert suggest(g, limit=2) == found[:2]
    (worst, *_) = member_checks(g)
    assert worst.idea == "g2-big" and worst.members == ("Cork/q2-d",)
    assert "key word" in worst.why


def test_the_json_carries_suggestions_and_splits():
    g = synthesis()
    data = jsondata.global_synthesis(g, suggest(g, limit=2), member_checks(g))
    keys = {i["key"] for i in data["ideas"]}
    assert len(data["suggestions"]) == 2
    first = data["suggestions"][0]
    assert set(first) == {"ideas", "score", "why"} and set(first["ideas"]) <= keys
    assert data["splits"][0] == {"idea": "g2-big", "members": ["Cork/q2-d"],
                                 "score": data["splits"][0]["score"],
                                 "why": data["splits"][0]["why"]}
    assert all(i["confirmed"] for i in data["ideas"])  # no doubt in this hand-made one
    assert data["ideas"][0]["sources"][0]["member"].count("/") == 1
    assert jsondata.global_synthesis(g)["suggestions"] == []


def debate_page(territory: str, texts: list[str]) -> PageRevision:
    postits = "".join(f"{{{{CO-ACTE post-it|question=1|texte={t}}}}}" for t in texts)
    return PageRevision(f"Débat:{territory}/Tour 1", 7, "t",
                        f"{{{{CO-ACTE débat|territoire={territory}|tour=1}}}}" + postits)


def test_coacte_global_json_holds_suggestions_of_its_own_ideas():
    wiki = FakeWiki([
        debate_page("Lyon", ["Les loyers sont beaucoup trop chers.",
                             "Le jardin partagé rapproche les voisins."]),
        debate_page("Leeds", ["Rents are far too high!", "Nobody repairs the pool roof."]),
        debate_page("Braga", ["As rendas estão caríssimas."]),
    ])
    assert global_job(wiki, 1, dry_run=True).data["suggestions"] == []  # only when asked
    result = global_job(wiki, 1, dry_run=True, queue=True)
    keys = {i["key"] for i in result.data["ideas"]}
    assert result.data["suggestions"], result.data
    assert all(set(s["ideas"]) <= keys and s["why"] for s in result.data["suggestions"])
    assert result.data["splits"] == [] or all(s["idea"] in keys
                                              for s in result.data["splits"])


def test_likely_pairs_are_those_above_the_bar_and_unanswered():
    """What `round open` counts: suggestions scoring at least LIKELY, none answered;
    more than the first batch of 100 are found when there are more."""
    close = [(f"k{n:03d}", Q1, "", [unit(1, 0.001 * n)]) for n in range(20)]  # 190 pairs
    far = [("far", Q1, "", [unit(0, 0, 1)])]
    pool = make_pool(close + far)
    found = suggestions.likely(pool)
    assert len(found) == 190
    assert all(s.score >= suggestions.LIKELY for s in found)
    assert all("far" not in s.ideas for s in found)
    answered = suggestions.likely(pool, decided=[("k000", "k001")])
    assert len(answered) == 189 and ("k000", "k001") not in [s.ideas for s in answered]


def test_a_review_recomputes_the_queue_after_each_answer():
    pool = make_pool([
        ("a", Q1, "", [unit(1, 0)]),
        ("b", Q1, "", [unit(1, 0.1)]),
        ("c", Q1, "", [unit(1, 0.5)]),
        ("d", Q1, "", [unit(0, 1)]),
    ])
    review = suggestions.Review(pool)
    assert review.next()[0].ideas == ("a", "b")
    # a = b: b is gone, its members are a's, and b–c becomes the question a–c.
    merged = review.different("c", "d").same("a", "b")
    assert "b" not in merged.pool.keys
    assert all("b" not in s.ideas for s in merged.next(limit=10))
    assert merged.next()[0].ideas == ("a", "c")
    assert np.bincount(merged.pool.owner).tolist() == [2, 1, 1]
    assert frozenset(("c", "d")) in merged.decided
    # An answer about b carries over to a once they are one.
    later = review.different("b", "c").same("a", "b")
    assert frozenset(("a", "c")) in later.decided
    assert ("a", "c") not in [s.ideas for s in later.next(limit=10)]
    # Skipped pairs are not asked, nor answered ones; the review itself is unchanged.
    assert review.next(skipped=[("a", "b")])[0].ideas != ("a", "b")
    assert review.decided == frozenset()


def test_why_a_pair_is_asked_reads_in_each_language():
    from coacte.synthesis.suggestions import Suggestion

    s = Suggestion(("a", "b"), 0.9, ("coacte-why-same-code", ("C01", "0.93")))
    assert s.why == "same code C01, sentences 0.93"  # --json keeps English
    assert s.explain("fr") == "même code C01, phrases 0.93"
    assert s.explain("pt") == "mesmo código C01, frases 0.93"
