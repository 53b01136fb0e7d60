"""CO-ACTE Synthèse: debate post-its typed into a MediaWiki, turned into syntheses.

Data flows one way: wiki → :mod:`coacte.wikitext` (parse) → :mod:`coacte.validate` →
:mod:`coacte.model` → :mod:`coacte.synthesis` → :mod:`coacte.render` → wiki. Only
:mod:`coacte.wiki` talks to MediaWiki; :mod:`coacte.jobs` wire the stages together and
the doors (``bot_scripts/``, :mod:`coacte.web`) call the jobs.
"""

__version__ = "0.1.0"
