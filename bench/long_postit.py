"""Peak memory of a global synthesis whose post-its include one very long text.

    python bench/long_postit.py [CHARACTERS]   # default 1,000,000

Three territories, five post-its each, one of them CHARACTERS long: the territory
syntheses and the multilingual global synthesis (sentence encoder included), as
``coacte global`` computes them. Prints the peak resident memory of the process; the
comparisons read the first ``contract.POSTIT_CHARS`` characters of a text, so the peak
does not grow with the text (before: 921 MB for 200,000 characters, 5.8 GB for 2 MB).
"""

from __future__ import annotations

import resource
import sys
import time

from coacte.model import Debate, Grid, GridEntry, PostIt
from coacte.synthesis.cross_territory import default_cluster, global_synthesis
from coacte.synthesis.territory import synthesize

size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
grid = Grid({"A": GridEntry("A", "Accès")})
sentence = "Les financements sont votés chaque année et personne ne peut prévoir. "
long = (sentence * (size // len(sentence) + 1))[:size]
texts = [long, "Les loyers sont trop chers", "Rents are far too high",
         "Le tram relie les quartiers", long[:3000]]
debates = []
for territory in ("Arles", "Bristol", "Braga"):
    page = f"Débat:{territory}/Tour 1"
    postits = [PostIt(page, 1, i, 2, t, "Élus", "", "", ()) for i, t in enumerate(texts, 1)]
    debates.append(Debate(page, 1, territory, 1, language="fr", postits=postits))
started = time.time()
g = global_synthesis(synthesize(debates, grid), grid, 1, cluster=default_cluster())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kept = max(len(p.text) for i in g.ideas for _, p in i.sources)
print(f"post-it of {size:,} characters: {len(g.ideas)} ideas, longest text kept "
      f"{kept:,} characters, peak {peak:.0f} MB, {time.time() - started:.1f} s")
