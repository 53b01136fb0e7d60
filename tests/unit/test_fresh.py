"""The desk's lists kept while the wiki has not changed (issue 22: a faster desk)."""

from __future__ import annotations

from coacte.web.fresh import Fresh


def test_a_list_is_computed_again_only_when_the_wiki_changed():
    kept = Fresh()
    computed: list[int] = []

    def compute(value: int):
        def run() -> list[int]:
            computed.append(value)
            return [value]
        return run

    assert kept.get("conflicts", 10, compute(1)) == [1]
    assert kept.get("conflicts", 10, compute(2)) == [1]  # the same newest change: kept
    assert kept.get("pending", 10, compute(3)) == [3]    # another list: its own
    assert kept.get("conflicts", 11, compute(4)) == [4]  # an edit since: computed again
    assert computed == [1, 3, 4]
