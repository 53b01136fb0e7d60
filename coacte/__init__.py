"""CO-ACTE Synthèse: debate post-its typed into a MediaWiki, turned into syntheses.

Data flows one way: wiki → :mod:`coacte.wikitext.parse` → :mod:`coacte.model` →
:mod:`coacte.synthesis` → :mod:`coacte.wikitext.render` → wiki. Only :mod:`coacte.wiki`
talks to MediaWiki; the bots in ``bot_scripts/`` wire the stages together.
"""

__version__ = "0.1.0"
