"""The files the package ships beside its code, found from the package itself.

They are package data (``pyproject.toml``), so a wheel installed anywhere holds them as a
source checkout does: ``pip install coacte`` is enough to install the contract on a wiki,
run the demo and load the extension.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The templates' wikitext (``<slug>.wikitext``) and, in ``pages/``, the default grid,
#: groups, stop page and portal that ``coacte install`` writes.
WIKI_TEMPLATES = HERE / "wiki_templates"
#: The forms' definitions (``debate.toml``, ``postit.toml``, ``reaction.toml``).
FORM_DEFINITIONS = HERE / "form_definitions"
#: The demo debates (``debates/``) and commitments.
DEMO = HERE / "demo"
#: The CoActe MediaWiki extension, loaded in place by the local wiki.
EXTENSION = HERE / "extension"
