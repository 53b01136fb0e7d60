"""The wiki contract: which templates pages are made of, and their parameters.

This is the single description of design §5 that everything else reads: the parser and
the validator (what a parameter is called, in French and in English, whether it is
required, which values it takes), ``coacte install`` (the TemplateData each template
shows to VisualEditor users) and the renderer (the names it writes). Template and
parameter names are French, the network's working language; each parameter also accepts
its English alias.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

#: Who can act on a blocker or a lever (design §5, spiral.md "Responsibility sharing").
LEVELS = ("local", "régional", "national", "européen", "mondial")
#: The kit's "à la carte" formulas.
FORMULAS = ("programme d'actions", "démarche affaiblie", "nouveau territoire", "réseau thématique")
#: Question 3 post-its are either a blocker or a lever.
KINDS = ("blocage", "levier")
#: The CO-ACTE question set (configurable question sets come later).
QUESTIONS = (1, 2, 3)
QUESTION_LABELS = {
    "fr": {
        1: "Qu'avons-nous réussi : jusqu'où avons-nous progressé vers la coresponsabilité ?",
        2: "Qu'est-ce que nous n'avons pas réussi et qu'il serait important de faire ?",
        3: "Quels sont les blocages et les leviers pour y parvenir ?",
    },
    "en": {
        1: "What have we achieved: how far did we progress towards co-responsibility?",
        2: "What did we not achieve that would be important?",
        3: "What are the blockers and the levers to get there?",
    },
    "pt": {
        1: "O que conseguimos: até onde avançámos em direção à corresponsabilidade?",
        2: "O que não conseguimos e que seria importante fazer?",
        3: "Quais são os bloqueios e as alavancas para lá chegar?",
    },
}


@dataclass(frozen=True)
class Param:
    """One template parameter: French name, English alias and what it accepts.

    ``type`` is the TemplateData type; ``choices`` the allowed values (checked by the
    validator, offered as ``suggestedvalues``); ``is_list`` marks comma-separated lists.
    """

    name: str
    alias: str | None
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str
    type: str = "string"
    required: bool = False
    suggested: bool = False
    choices: tuple[str, ...] = ()
    is_list: bool = False
    example: str = ""
    #: The label and description in Portuguese (forms and TemplateData in pt).
    label_pt: str = ""
    description_pt: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.alias) if self.alias else (self.name,)

    def label(self, lang: str) -> str:
        """The label a reader of ``lang`` sees (English when the language lacks one)."""
        return {"fr": self.label_fr, "pt": self.label_pt}.get(lang) or self.label_en

    def description(self, lang: str) -> str:
        return ({"fr": self.description_fr, "pt": self.description_pt}.get(lang)
                or self.description_en)


@dataclass(frozen=True)
class Template:
    """One template of the contract, with the file (``coacte/wiki_templates/<slug>.wikitext``) that
    holds what it displays on the wiki."""

    name: str
    slug: str
    description_fr: str
    description_en: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    format: str = "block"
    description_pt: str = ""

    def param(self, given: str) -> Param | None:
        """The parameter that a name (French or English, any case) stands for."""
        key = given.strip().casefold()
        for p in self.params:
            if key in (n.casefold() for n in p.names):
                return p
        return None


DEBATE = Template(
    "CO-ACTE débat",
    "debat",
    "En-tête d'une page de débat : un territoire, un tour.",
    "Header of a debate page: one territory, one round.",
    (
        Param("territoire", "territory", "Territoire", "Territory",
              "Le territoire de coresponsabilité qui a tenu le débat.",
              "The territory of co-responsibility that held the debate.",
              required=True, example="Mulhouse",
              label_pt="Território",
              description_pt="O território de corresponsabilidade que realizou o debate."),
        Param("tour", "round", "Tour", "Round",
              "Le tour du débat (1 pour le premier, 2 et 3 pour les tours Delphi).",
              "The debate round (1 for the first, 2 and 3 for the Delphi rounds).",
              type="number", required=True, example="1",
              label_pt="Ronda",
              description_pt="A ronda do debate (1 para a primeira, 2 e 3 para as rondas Delphi)."),
        Param("pays", "country", "Pays", "Country",
              "Code ISO du pays, deux lettres.", "ISO country code, two letters.",
              suggested=True, example="FR",
              label_pt="País", description_pt="Código ISO do país, duas letras."),
        Param("date", None, "Date", "Date",
              "Date du débat, au format AAAA-MM-JJ.", "Date of the debate, as YYYY-MM-DD.",
              type="date", suggested=True, example="2016-01-12",
              label_pt="Data", description_pt="Data do debate, no formato AAAA-MM-DD."),
        Param("formule", "formula", "Formule", "Formula",
              "La formule « à la carte » du kit.", "The kit's \"à la carte\" formula.",
              choices=FORMULAS, suggested=True,
              label_pt="Fórmula", description_pt="A fórmula «à la carte» do kit."),
        Param("participants", None, "Participants", "Participants",
              "Nombre de participants.", "Number of participants.",
              type="number", example="24",
              label_pt="Participantes", description_pt="Número de participantes."),
        Param("langue", "language", "Langue", "Language",
              "Langue des post-its (code ISO 639-1).", "Language of the post-its (ISO 639-1).",
              example="fr",
              label_pt="Língua", description_pt="Língua dos post-its (código ISO 639-1)."),
    ),
    description_pt="Cabeçalho de uma página de debate: um território, uma ronda.",
)

POSTIT = Template(
    "CO-ACTE post-it",
    "post-it",
    "Un post-it : une idée écrite par un participant et validée par son groupe.",
    "One post-it: one idea written by one participant and validated by their group.",
    (
        Param("question", None, "Question", "Question",
              "La question à laquelle le post-it répond : 1, 2 ou 3.",
              "The question the post-it answers: 1, 2 or 3.",
              type="number", required=True, choices=("1", "2", "3"),
              label_pt="Pergunta",
              description_pt="A pergunta a que o post-it responde: 1, 2 ou 3."),
        Param("texte", "text", "Texte", "Text",
              "Le texte du post-it, tel qu'écrit.", "The post-it's text, as written.",
              type="content", required=True,
              label_pt="Texto", description_pt="O texto do post-it, tal como foi escrito."),
        Param("groupe", "group", "Groupe", "Group",
              "Le groupe homogène qui l'a validé (élus, jeunes, retraités…).",
              "The homogeneous group that validated it (elected officials, youth…).",
              suggested=True, example="Élus",
              label_pt="Grupo",
              description_pt="O grupo homogéneo que o validou (eleitos, jovens, reformados…)."),
        Param("nature", "kind", "Nature", "Kind",
              "Question 3 seulement : blocage ou levier.",
              "Question 3 only: blocker (blocage) or lever (levier).",
              choices=KINDS, suggested=True,
              label_pt="Natureza",
              description_pt="Só na pergunta 3: bloqueio (blocage) ou alavanca (levier)."),
        Param("code", None, "Code", "Code",
              "Code SPIRAL : objet[/sens[/bénéficiaire]], par ex. C01/P15.",
              "SPIRAL code: object[/meaning[/beneficiary]], e.g. C01/P15.",
              suggested=True, example="C01/P15",
              label_pt="Código",
              description_pt="Código SPIRAL: objeto[/sentido[/beneficiário]], por ex. C01/P15."),
        Param("niveau", "level", "Niveau", "Level",
              "Qui peut agir : local, régional, national, européen, mondial (liste).",
              "Who can act: local, régional, national, européen, mondial (list).",
              choices=LEVELS, is_list=True,
              label_pt="Nível",
              description_pt="Quem pode agir: local, régional, national, européen, mondial "
                             "(lista)."),
        Param("acteurs", "actors", "Acteurs", "Actors",
              "Les acteurs qui peuvent agir (liste séparée par des virgules).",
              "The actors who can act (comma-separated list).",
              is_list=True, example="État, collectivités",
              label_pt="Atores",
              description_pt="Os atores que podem agir (lista separada por vírgulas)."),
    ),
    description_pt="Um post-it: uma ideia escrita por um participante e validada pelo seu grupo.",
)

GRID_CODE = Template(
    "CO-ACTE code",
    "code",
    "Une entrée de la grille de classement SPIRAL.",
    "One entry of the SPIRAL classification grid.",
    (
        Param("code", None, "Code", "Code",
              "Le code : une lettre de dimension (A), un composant (A01) ou un code sens (P15).",
              "The code: a dimension letter (A), a component (A01) or a meaning code (P15).",
              required=True, example="A01",
              label_pt="Código",
              description_pt="O código: uma letra de dimensão (A), uma componente (A01) ou um "
                             "código de sentido (P15)."),
        Param("libellé", "label", "Libellé", "Label",
              "Le libellé affiché.", "The label shown.", required=True,
              example="Alimentation",
              label_pt="Designação", description_pt="A designação apresentada."),
        Param("libellé en", "label en", "Libellé anglais", "English label",
              "Le libellé pour les lecteurs anglophones (dossier en anglais).",
              "The label for English readers (the English dossier).",
              suggested=True, example="Food",
              label_pt="Designação em inglês",
              description_pt="A designação para os leitores anglófonos (dossier em inglês)."),
        Param("libellé pt", "label pt", "Libellé portugais", "Portuguese label",
              "Le libellé pour les lecteurs lusophones (dossier en portugais).",
              "The label for Portuguese readers (the Portuguese dossier).",
              suggested=True, example="Alimentação",
              label_pt="Designação em português",
              description_pt="A designação para os leitores lusófonos (dossier em português)."),
        Param("parent", None, "Parent", "Parent",
              "Le code parent (la dimension d'un composant).",
              "The parent code (the dimension of a component).", example="A",
              label_pt="Pai", description_pt="O código pai (a dimensão de uma componente)."),
        Param("type", "kind", "Type", "Type",
              "objet (par défaut) ou sens (code sens : R, P, O, Q, S et leurs raffinements).",
              "objet (default) or sens (meaning code: R, P, O, Q, S and refinements).",
              choices=("objet", "sens"),
              label_pt="Tipo",
              description_pt="objet (por omissão) ou sens (código de sentido: R, P, O, Q, S e os "
                             "seus refinamentos)."),
    ),
    format="inline",
    description_pt="Uma entrada da grelha de classificação SPIRAL.",
)

#: The languages a group kind is named in on the groups page (``{{CO-ACTE groupe}}``).
GROUP_LANGUAGES = ("fr", "en", "pt")

GROUP_KIND = Template(
    "CO-ACTE groupe",
    "groupe",
    "Un type de groupe homogène et ses noms en français, anglais et portugais.",
    "One kind of homogeneous group and its names in French, English and Portuguese.",
    (
        Param("type", "kind", "Type", "Kind",
              "L'identifiant du type de groupe (court, sans espace de préférence).",
              "The group kind's identifier (short, preferably without spaces).",
              required=True, example="jeunes",
              label_pt="Tipo",
              description_pt="O identificador do tipo de grupo (curto, de preferência sem "
                             "espaços)."),
        Param("fr", None, "Français", "French",
              "Les noms français du groupe (liste, séparés par ; ou ,) ; le premier est "
              "celui qui est affiché.",
              "The group's French names (list, separated by ; or ,); the first is shown.",
              suggested=True, is_list=True, example="Jeunes ; Lycéens",
              label_pt="Francês",
              description_pt="Os nomes franceses do grupo (lista, separados por ; ou ,); o "
                             "primeiro é o que é apresentado."),
        Param("en", None, "Anglais", "English",
              "Les noms anglais du groupe (liste).", "The group's English names (list).",
              suggested=True, is_list=True, example="Young people ; Youth",
              label_pt="Inglês", description_pt="Os nomes ingleses do grupo (lista)."),
        Param("pt", None, "Portugais", "Portuguese",
              "Les noms portugais du groupe (liste).", "The group's Portuguese names (list).",
              suggested=True, is_list=True, example="Jovens",
              label_pt="Português", description_pt="Os nomes portugueses do grupo (lista)."),
    ),
    format="inline",
    description_pt="Um tipo de grupo homogéneo e os seus nomes em francês, inglês e português.",
)

SYNTHESIS = Template(
    "CO-ACTE synthèse",
    "synthese",
    "En-tête d'une page de synthèse, écrit par le bot.",
    "Header of a synthesis page, written by the bot.",
    (
        Param("territoire", "territory", "Territoire", "Territory",
              "Le territoire synthétisé.", "The territory summarised.", required=True,
              label_pt="Território", description_pt="O território sintetizado."),
        Param("tour", "round", "Tour", "Round", "Le tour.", "The round.", type="number",
              required=True,
              label_pt="Ronda", description_pt="A ronda."),
        Param("débats", "debates", "Débats", "Debates",
              "Les pages de débat lues.", "The debate pages read.", type="content",
              label_pt="Debates", description_pt="As páginas de debate lidas."),
        Param("post-its", None, "Post-its", "Post-its",
              "Nombre de post-its valides.", "Number of valid post-its.", type="number",
              label_pt="Post-its", description_pt="Número de post-its válidos."),
        Param("idées", "ideas", "Idées", "Ideas",
              "Nombre d'idées après fusion des doublons.",
              "Number of ideas after merging duplicates.", type="number",
              label_pt="Ideias", description_pt="Número de ideias após a fusão dos duplicados."),
        Param("groupes", "groups", "Groupes", "Groups",
              "Les groupes homogènes.", "The homogeneous groups.",
              label_pt="Grupos", description_pt="Os grupos homogéneos."),
        Param("écartés", "excluded", "Écartés", "Excluded",
              "Post-its écartés car invalides (voir le rapport de vérification).",
              "Post-its left out as invalid (see the check report).", type="number",
              label_pt="Excluídos",
              description_pt="Post-its excluídos por serem inválidos (ver o relatório de "
                             "verificação)."),
        Param("territoires", "territories", "Territoires", "Territories",
              "Synthèse globale : nombre de territoires.",
              "Global synthesis: number of territories.", type="number",
              label_pt="Territórios", description_pt="Síntese global: número de territórios."),
        Param("état", "state", "État", "State",
              "Synthèse globale : ouvert (le tour suivant n'a pas commencé), clos (le tour "
              "est fermé) ou figé (le tour suivant est ouvert : ses clés ne changent plus).",
              "Global synthesis: ouvert (open), clos (closed) or figé (frozen: the next "
              "round is open, its keys no longer change).",
              choices=("ouvert", "clos", "figé"),
              label_pt="Estado",
              description_pt="Síntese global: ouvert (a ronda seguinte ainda não começou), clos (a "
                             "ronda está fechada) ou figé (a ronda seguinte está aberta: as suas "
                             "chaves já não mudam)."),
    ),
    description_pt="Cabeçalho de uma página de síntese, escrito pelo bot.",
)

IDEA = Template(
    "CO-ACTE idée",
    "idee",
    "Une idée d'une synthèse : des post-its qui disent la même chose.",
    "One idea of a synthesis: post-its that say the same thing.",
    (
        Param("clé", "key", "Clé", "Key", "Identifiant stable de l'idée.",
              "Stable identifier of the idea.", required=True,
              label_pt="Chave", description_pt="Identificador estável da ideia."),
        Param("question", None, "Question", "Question", "La question.", "The question.",
              type="number", required=True,
              label_pt="Pergunta", description_pt="A pergunta."),
        Param("nature", "kind", "Nature", "Kind", "Blocage ou levier (question 3).",
              "Blocker or lever (question 3).", choices=KINDS,
              label_pt="Natureza", description_pt="Bloqueio ou alavanca (pergunta 3)."),
        Param("code", None, "Code", "Code", "Code SPIRAL.", "SPIRAL code.",
              label_pt="Código", description_pt="Código SPIRAL."),
        Param("énoncé", "statement", "Énoncé", "Statement",
              "L'énoncé de l'idée (le texte le plus fréquent).",
              "The idea's statement (its most frequent wording).", type="content",
              required=True,
              label_pt="Enunciado",
              description_pt="O enunciado da ideia (o texto mais frequente)."),
        Param("variantes", "variants", "Variantes", "Variants",
              "Les autres formulations fusionnées.", "The other wordings merged into it.",
              type="content",
              label_pt="Variantes", description_pt="As outras formulações fundidas."),
        Param("occurrences", None, "Occurrences", "Occurrences",
              "Nombre de post-its.", "Number of post-its.", type="number",
              label_pt="Ocorrências", description_pt="Número de post-its."),
        Param("groupes", "groups", "Groupes", "Groups", "Groupes homogènes.",
              "Homogeneous groups.",
              label_pt="Grupos", description_pt="Grupos homogéneos."),
        Param("territoires", "territories", "Territoires", "Territories",
              "Territoires concernés.", "Territories concerned.",
              label_pt="Territórios", description_pt="Territórios em causa."),
        Param("niveaux", "levels", "Niveaux", "Levels", "Niveaux qui peuvent agir.",
              "Levels that can act.",
              label_pt="Níveis", description_pt="Níveis que podem agir."),
        Param("acteurs", "actors", "Acteurs", "Actors", "Acteurs qui peuvent agir.",
              "Actors who can act.",
              label_pt="Atores", description_pt="Atores que podem agir."),
        Param("sources", None, "Sources", "Sources", "Les post-its d'origine.",
              "The source post-its.", type="content",
              label_pt="Fontes", description_pt="Os post-its de origem."),
        Param("membres", "members", "Membres", "Members",
              "Synthèse globale : les idées de territoire fusionnées (territoire/clé).",
              "Global synthesis: the territory ideas merged into it (territory/key).",
              label_pt="Membros",
              description_pt="Síntese global: as ideias de território fundidas "
                             "(território/chave)."),
        Param("fusion", "merge", "Fusion", "Merge",
              "Synthèse globale : fusion proposée par l'outil, à confirmer (score, membres "
              "les plus proches).",
              "Global synthesis: a merge the tool proposed, to confirm (score, closest "
              "members).", type="content",
              label_pt="Fusão",
              description_pt="Síntese global: fusão proposta pela ferramenta, a confirmar "
                             "(pontuação, membros mais próximos)."),
        Param("curation", None, "Curation", "Curation",
              "Les décisions de modération appliquées à cette idée.",
              "The moderators' decisions applied to this idea.", type="content",
              label_pt="Curadoria",
              description_pt="As decisões de moderação aplicadas a esta ideia."),
        Param("apports", "contributions", "Apports", "Contributions",
              "Les apports des réseaux thématiques.", "Thematic networks' contributions.",
              type="content",
              label_pt="Contributos", description_pt="Os contributos das redes temáticas."),
    ),
    description_pt="Uma ideia de uma síntese: post-its que dizem a mesma coisa.",
)

#: The reserved territory name of the synthesis of syntheses (``Synthèse:Globale/Tour n``).
GLOBAL_TERRITORY = "Globale"


@dataclass(frozen=True)
class Titles:
    """Where the contract's pages live (design §5): ``<Débat>:<territoire>/Tour <n>`` and
    ``<Synthèse>:<territoire>/Tour <n>``. The prefixes are the wiki's local names of the
    extension's namespaces (:attr:`coacte.wiki.client.Wiki.titles`), or these French
    defaults used as plain prefixes on a wiki without the extension."""

    debate_prefix: str = "Débat"
    synthesis_prefix: str = "Synthèse"

    def debate(self, territory: str, round_: int) -> str:
        return f"{self.debate_prefix}:{territory}/Tour {round_}"

    def synthesis(self, territory: str, round_: int) -> str:
        return f"{self.synthesis_prefix}:{territory}/Tour {round_}"

    def global_synthesis(self, round_: int) -> str:
        return self.synthesis(GLOBAL_TERRITORY, round_)

#: Agreement values of a Delphi reaction.
AGREEMENTS = ("oui", "non", "nuancé")

REACTION = Template(
    "CO-ACTE réaction",
    "reaction",
    "Tour 2 et suivants : la réaction d'un groupe du territoire à une idée globale.",
    "Round 2 and later: a group's reaction to one global idea.",
    (
        Param("idée", "idea", "Idée", "Idea", "La clé de l'idée globale.",
              "The key of the global idea.", required=True,
              label_pt="Ideia", description_pt="A chave da ideia global."),
        Param("accord", "agreement", "Accord", "Agreement",
              "oui, non ou nuancé (vide : pas encore de réaction).",
              "oui (yes), non (no) or nuancé (qualified); empty: not reacted yet.",
              choices=AGREEMENTS, suggested=True,
              label_pt="Concordância",
              description_pt="oui, non ou nuancé (vazio: ainda sem reação)."),
        Param("priorité", "priority", "Priorité", "Priority",
              "De 1 (faible) à 5 (très forte).", "From 1 (low) to 5 (very high).",
              type="number", choices=("1", "2", "3", "4", "5"), suggested=True,
              label_pt="Prioridade", description_pt="De 1 (fraca) a 5 (muito forte)."),
        Param("commentaire", "comment", "Commentaire", "Comment",
              "Ce que le groupe veut ajouter.", "What the group wants to add.", type="content",
              label_pt="Comentário", description_pt="O que o grupo quer acrescentar."),
        Param("groupe", "group", "Groupe", "Group", "Le groupe homogène qui réagit.",
              "The homogeneous group reacting.", suggested=True,
              label_pt="Grupo", description_pt="O grupo homogéneo que reage."),
        Param("énoncé", "statement", "Énoncé", "Statement",
              "Rappel de l'idée (affichage seulement, écrit par le bot).",
              "Reminder of the idea (display only, written by the bot).", type="content",
              label_pt="Enunciado",
              description_pt="Lembrete da ideia (apenas para apresentação, escrito pelo bot)."),
    ),
    description_pt="Ronda 2 e seguintes: a reação de um grupo do território a uma ideia global.",
)

CONTRIBUTION = Template(
    "CO-ACTE apport",
    "apport",
    "L'apport d'un réseau thématique à une idée globale.",
    "A thematic network's contribution to a global idea.",
    (
        Param("réseau", "network", "Réseau", "Network", "Le réseau thématique.",
              "The thematic network.", required=True,
              label_pt="Rede", description_pt="A rede temática."),
        Param("idée", "idea", "Idée", "Idea", "La clé de l'idée globale enrichie.",
              "The key of the global idea it enriches.", required=True,
              label_pt="Ideia", description_pt="A chave da ideia global enriquecida."),
        Param("texte", "text", "Texte", "Text", "L'apport, tiré de l'expérience du réseau.",
              "The contribution, from the network's experience.", type="content",
              required=True,
              label_pt="Texto", description_pt="O contributo, tirado da experiência da rede."),
    ),
    description_pt="O contributo de uma rede temática para uma ideia global.",
)

#: What a moderator may do to the global synthesis (design §3: curation survives).
CURATION_ACTIONS = ("reformuler", "fusionner", "séparer", "recoder", "distinguer",
                    "confirmer")
#: The English name of each action, accepted in its place (as parameters' aliases are).
CURATION_ACTION_ALIASES = {"reword": "reformuler", "merge": "fusionner", "split": "séparer",
                           "recode": "recoder", "distinguish": "distinguer",
                           "confirm": "confirmer"}

CURATION = Template(
    "CO-ACTE curation",
    "curation",
    "Une décision de modération sur la synthèse globale, appliquée à chaque passage du bot.",
    "A moderator's decision on the global synthesis, applied at every bot run.",
    (
        Param("action", None, "Action", "Action",
              "reformuler (énoncé), fusionner (idées), séparer (membres), recoder (code), "
              "distinguer (idées : jamais fusionnées automatiquement), confirmer (membres "
              "d'une fusion proposée par l'outil).",
              "reformuler = reword, fusionner = merge, séparer = split, recoder = recode, "
              "distinguer = distinguish (ideas never merged automatically), confirmer = "
              "confirm (members of a merge the tool proposed).",
              required=True, choices=CURATION_ACTIONS,
              label_pt="Ação",
              description_pt="reformuler (enunciado), fusionner (ideias), séparer (membros), "
                             "recoder (código), distinguer (ideias: nunca fundidas "
                             "automaticamente), confirmer (membros de uma fusão proposta "
                             "pela ferramenta)."),
        Param("idée", "idea", "Idée", "Idea", "La clé de l'idée concernée.",
              "The key of the idea concerned.",
              label_pt="Ideia", description_pt="A chave da ideia em causa."),
        Param("idées", "ideas", "Idées", "Ideas",
              "fusionner, distinguer : les clés à fusionner ou à garder distinctes (liste).",
              "merge, distinguish: the keys to merge or to keep apart (list).", is_list=True,
              label_pt="Ideias",
              description_pt="fusionner, distinguer: as chaves a fundir ou a manter distintas "
                             "(lista)."),
        Param("énoncé", "statement", "Énoncé", "Statement", "reformuler : le nouvel énoncé.",
              "reword: the new statement.", type="content",
              label_pt="Enunciado", description_pt="reformuler: o novo enunciado."),
        Param("membres", "members", "Membres", "Members",
              "séparer : les idées de territoire (territoire/clé) à mettre à part ; "
              "confirmer : celles qui sont bien de cette idée.",
              "split: the territory ideas (territory/key) to set apart; confirm: those "
              "that do belong to this idea.",
              label_pt="Membros",
              description_pt="séparer: as ideias de território (território/chave) a pôr à "
                             "parte; confirmer: as que pertencem de facto a esta ideia."),
        Param("code", None, "Code", "Code", "recoder : le code corrigé.",
              "recode: the corrected code.",
              label_pt="Código", description_pt="recoder: o código corrigido."),
        Param("motif", "reason", "Motif", "Reason", "Pourquoi (pour la transparence).",
              "Why (for transparency).", type="content",
              label_pt="Motivo", description_pt="Porquê (por transparência)."),
        Param("tour", "round", "Tour", "Round",
              "fusionner, distinguer : le tour figé dont les idées sont visées (écrit sur la "
              "page du tour suivant, appliqué à partir de celui-ci).",
              "merge, distinguish: the frozen round whose ideas are meant (written on the "
              "next round's page, applied from that round on).", type="number",
              label_pt="Ronda",
              description_pt="fusionner, distinguer: a ronda congelada cujas ideias são visadas "
                             "(escrito na página da ronda seguinte, aplicado a partir desta)."),
    ),
    format="inline",
    description_pt="Uma decisão de moderação sobre a síntese global, aplicada em cada execução do "
                   "bot.",
)

COMMITMENT = Template(
    "CO-ACTE engagement",
    "engagement",
    "Un engagement « qu'est-ce que je peux faire ? » : qui fait quoi, quand, pour quelle idée.",
    "A \"what can I do?\" commitment: who does what, when, for which idea.",
    (
        Param("qui", "who", "Qui", "Who", "La personne, le groupe ou l'organisation qui s'engage.",
              "The person, group or organisation committing.", required=True,
              label_pt="Quem",
              description_pt="A pessoa, o grupo ou a organização que se compromete."),
        Param("quoi", "what", "Quoi", "What", "Ce qui sera fait.", "What will be done.",
              type="content", required=True,
              label_pt="O quê", description_pt="O que será feito."),
        Param("début", "start", "Début", "Start", "Date de début, AAAA-MM-JJ.",
              "Start date, YYYY-MM-DD.", type="date", suggested=True,
              label_pt="Início", description_pt="Data de início, AAAA-MM-DD."),
        Param("fin", "end", "Fin", "End", "Date de fin, AAAA-MM-JJ.", "End date, YYYY-MM-DD.",
              type="date", suggested=True,
              label_pt="Fim", description_pt="Data de fim, AAAA-MM-DD."),
        Param("idée", "idea", "Idée", "Idea", "La clé de l'idée globale concernée.",
              "The key of the global idea concerned.", suggested=True,
              label_pt="Ideia", description_pt="A chave da ideia global em causa."),
        Param("tour", "round", "Tour", "Round", "Le tour concerné.", "The round concerned.",
              type="number",
              label_pt="Ronda", description_pt="A ronda em causa."),
    ),
    description_pt="Um compromisso «o que posso fazer?»: quem faz o quê, quando, para que ideia.",
)

PROPOSAL = Template(
    "CO-ACTE proposition",
    "proposition",
    "Une mise à jour proposée par le bot, en attente de l'approbation d'un modérateur.",
    "An update the bot proposes, waiting for a moderator's approval.",
    (
        Param("page", None, "Page", "Page", "La page que la proposition mettrait à jour.",
              "The page the proposal would update.", required=True,
              label_pt="Página", description_pt="A página que a proposta atualizaria."),
        Param("base", None, "Base", "Base", "La révision de la page sur laquelle elle se fonde.",
              "The page's revision it was computed from.", type="number",
              label_pt="Base", description_pt="A revisão da página em que se baseia."),
        Param("horodatage", "timestamp", "Horodatage", "Timestamp",
              "L'horodatage de cette révision.", "That revision's timestamp.",
              label_pt="Data e hora", description_pt="A data e hora desta revisão."),
        Param("résumé", "summary", "Résumé", "Summary", "Le résumé de modification du bot.",
              "The bot's edit summary.",
              label_pt="Resumo", description_pt="O resumo de edição do bot."),
    ),
    description_pt="Uma atualização proposta pelo bot, a aguardar a aprovação de um moderador.",
)

#: The right of the wiki's CO-ACTE moderators (declared by the extension, given to its
#: ``coacte-moderator`` group and to administrators): the desk asks for it, and only the
#: decisions of accounts that hold it are applied.
MODERATE = "coacte-moderate"

#: Every template ``coacte install`` puts on the wiki.
TEMPLATES: tuple[Template, ...] = (
    DEBATE, POSTIT, GRID_CODE, GROUP_KIND, SYNTHESIS, IDEA, REACTION, CONTRIBUTION, CURATION,
    PROPOSAL, COMMITMENT,
)


def fold(text: str) -> str:
    """A value as compared, not as shown: case, accents and spacing folded
    (``"  Élus  du  CM "`` → ``"elus du cm"``), so spellings a person may type for the
    same thing compare equal. Here, on the contract's floor, so that the model's group
    kinds (:class:`coacte.model.GroupKinds`) compare names by the same rule as the
    values :mod:`coacte.wikitext.values` reads."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


#: Post-it texts longer than this (characters) are reported on the check report, and
#: the comparisons that merge post-its and ideas read only this much of them (the whole
#: text stays in the synthesis): one pasted book must not take gigabytes to compare.
POSTIT_CHARS = 5000


def template_named(name: str) -> Template | None:
    """The contract template a call's name stands for (MediaWiki's title rules: first
    letter case-insensitive, ``_`` = space, optional ``Modèle:``/``Template:`` prefix)."""
    key = normalize_template_name(name)
    for t in TEMPLATES:
        if normalize_template_name(t.name) == key:
            return t
    return None


def normalize_template_name(name: str) -> str:
    text = " ".join(name.replace("_", " ").split())
    for prefix in ("modèle:", "template:"):
        if text.casefold().startswith(prefix):
            text = text[len(prefix):].strip()
    return text[:1].upper() + text[1:]
