"""The facilitators' forms against the real wiki: what is typed is what is saved, under
the facilitator's own name; problems show beside their field; nothing is written before
it is valid and confirmed; CSRF, login and expired sessions are enforced."""

from __future__ import annotations

import csv
import html
import io
import random
import re
import uuid

import pytest
from openpyxl import Workbook

from coacte.model import Grid, PageRevision
from coacte.validate import read_debate
from coacte.wiki.client import connect
from coacte.wikitext import region
from tests.web.helpers import app_for, csrf, login

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> | }} [[Catégorie:x]]'


@pytest.fixture()
def app(local_wiki):
    return app_for(local_wiki)


@pytest.fixture()
def client(app, local_wiki):
    client = app.test_client()
    assert login(client, local_wiki).status_code == 302
    return client


@pytest.fixture(scope="module")
def bot(local_wiki):
    return connect(local_wiki)


def unique(name: str = "Forms") -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def page_text(bot, title: str) -> str | None:
    page = bot.read([title])[title]
    return page.text if page else None


def last_user(bot, title: str) -> str:
    result = bot.call("query", prop="revisions", titles=title, rvprop="user",
                      formatversion=2)
    return result["query"]["pages"][0]["revisions"][0]["user"]


def read(text: str, title: str = "Débat:X/Tour 1"):
    return read_debate(PageRevision(title, 1, "", text), Grid())


def token_of(response) -> str | None:
    found = re.search(r'name="token" value="([^"]+)"', response.text)
    return found.group(1) if found else None


def new_debate_data(client, territory: str, rows: list[dict], **header) -> dict:
    data = {"csrf_token": csrf(client, "/debates/new"), "territoire": territory, "tour": "1",
            "action": "save", **header}
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"postits-{i}-{name}"] = value
    return data


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- access -----------------------------------------------------------------------------

ROUTES = ["/debates/new", "/debates/paste", "/import", "/reactions", "/debates/saved"]


@pytest.mark.parametrize("path", ROUTES)
def test_not_logged_in_goes_to_login(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_posting_without_login_goes_to_login_and_writes_nothing(app, bot):
    client = app.test_client()
    territory = unique()
    response = client.post("/debates/new", data={
        "csrf_token": csrf(client), "territoire": territory, "tour": "1",
        "postits-0-question": "1", "postits-0-texte": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


@pytest.mark.parametrize("path, title", [
    ("/debates/new", "Saisir un débat"), ("/debates/paste", "Coller des post-its"),
    ("/import", "Importer une transcription"), ("/reactions", "Réactions d'un tour")])
def test_every_form_page_shows_for_a_logged_in_facilitator(client, path, title):
    response = client.get(path, headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in html.unescape(response.text)
    assert "<form" in response.text
    if path != "/reactions":  # its first step is a GET form (nothing to protect)
        assert 'name="csrf_token"' in response.text


def test_the_saved_page_without_a_saved_page_goes_back_to_the_form(client):
    response = client.get("/debates/saved")
    assert response.status_code == 302 and response.headers["Location"] == "/debates/new"


def test_expired_session_redirects_with_the_expired_message(app, client):
    store = app.extensions["coacte_sessions"]
    (sid,) = store._sessions
    store.expire(sid)
    response = client.get("/debates/new", headers={"Accept-Language": "fr"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Votre session a expiré" in client.get("/login",
                                                  headers={"Accept-Language": "fr"}).text


@pytest.mark.parametrize("path", ["/debates/new", "/debates/paste", "/import", "/reactions",
                                  "/debates/confirm"])
def test_missing_csrf_token_is_refused_and_nothing_written(client, bot, path):
    territory = unique()
    response = client.post(path, data={
        "territoire": territory, "tour": "2", "postits-0-question": "1",
        "postits-0-texte": "x", "lines": "x", "token": "x"})
    assert response.status_code == 400
    for round_ in (1, 2):
        assert page_text(bot, f"Débat:{territory}/Tour {round_}") is None


def test_english_interface(client):
    text = client.get("/debates/new", headers={"Accept-Language": "en"}).text
    assert "Enter a debate" in text and "Territory" in text and "Add 5 rows" in text
    text = client.get("/debates/new", headers={"Accept-Language": "fr"}).text
    assert "Saisir un débat" in text and "Territoire" in text and "Ajouter 5 lignes" in text


# -- a new debate -------------------------------------------------------------------------


def test_create_a_debate_saved_with_the_editors_session(client, bot, local_wiki):
    territory = unique("Braine-l'Alleud")
    rows = [
        {"question": "3", "texte": HOSTILE, "groupe": "Élus", "nature": "blocage",
         "code": "C01", "niveau": ["local", "national"], "acteurs": "État, communes"},
        {"question": "1", "texte": "Un café associatif", "groupe": "Aînés"},
        {"question": "", "texte": "", "groupe": ""},  # an empty row is not a post-it
        {"question": "2", "texte": "Des jeunes au conseil", "groupe": "Jeunes"},
    ]
    data = new_debate_data(client, territory, rows, pays="BE", date="2016-01-12",
                           formule="nouveau territoire", participants="24", langue="fr")
    response = client.post("/debates/new", data=data)
    assert response.status_code == 302, response.text
    title = f"Débat:{territory}/Tour 1"
    text = page_text(bot, title)
    assert text is not None
    assert last_user(bot, title) == local_wiki.extra["local"]["editor_user"]
    debate, problems = read(text, title)
    assert problems == []
    assert (debate.territory, debate.round, debate.country, debate.date, debate.formula,
            debate.participants, debate.language) == (
        territory, 1, "BE", "2016-01-12", "nouveau territoire", 24, "fr")
    got = [(p.question, p.text, p.group, p.kind, p.code, p.levels, p.actors)
           for p in debate.postits]
    assert got == [
        (3, HOSTILE, "Élus", "blocage", "C01", ("local", "national"), ("État", "communes")),
        (1, "Un café associatif", "Aînés", "", "", (), ()),
        (2, "Des jeunes au conseil", "Jeunes", "", "", (), ()),
    ]
    done = client.get(response.headers["Location"], headers={"Accept-Language": "fr"})
    assert done.status_code == 200
    shown = html.unescape(done.text)
    assert f"La page {title} a été créée avec 3 post-it(s)." in shown
    assert f'href="{local_wiki.page_url(title)}"' in shown


def test_problems_show_beside_their_field_and_nothing_is_written(client, bot):
    territory = unique()
    rows = [{"question": "1", "texte": "correct"},
            {"question": "4", "texte": HOSTILE},
            {"question": "2", "texte": "", "groupe": "Élus"}]
    response = client.post("/debates/new", data=new_debate_data(client, territory, rows),
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    page = response.text
    question = re.search(r'<span class="error-text" id="postits-1-question-error">([^<]*)<',
                         page)
    assert question and "« 4 »" in html.unescape(question.group(1))
    texte = re.search(r'<span class="error-text" id="postits-2-texte-error">([^<]*)<', page)
    assert texte and "texte" in texte.group(1)
    # the summary links to each field; the field says it is invalid
    assert 'href="#postits-1-question"' in page and 'href="#postits-2-texte"' in page
    assert re.search(r'id="postits-2-texte"[^>]*aria-invalid="true"', page) or \
        re.search(r'aria-invalid="true"[^>]*id="postits-2-texte"', page)
    # what was typed is kept, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


def test_header_problems_show_beside_the_header_fields(client, bot):
    response = client.post("/debates/new", data=new_debate_data(
        client, "", [{"question": "1", "texte": "x"}], tour="0"),
        headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert re.search(r'id="territoire-error-1">[^<]*required', response.text)
    assert re.search(r'id="tour-error-1">[^<]*whole number', response.text)


def test_warnings_need_a_confirmation_then_save(client, bot):
    territory = unique()
    data = new_debate_data(client, territory, [{"question": "1", "texte": "x"}], pays="fr")
    response = client.post("/debates/new", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'name="accept_warnings"' in response.text and "two-letter country" in response.text
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None
    response = client.post("/debates/new", data={**data, "accept_warnings": "1"})
    assert response.status_code == 302
    assert "| pays = fr" in page_text(bot, f"Débat:{territory}/Tour 1")


def test_an_existing_page_is_never_overwritten(client, bot, local_wiki):
    territory = unique()
    data = new_debate_data(client, territory, [{"question": "1", "texte": "premier"}])
    assert client.post("/debates/new", data=data).status_code == 302
    title = f"Débat:{territory}/Tour 1"
    before = page_text(bot, title)
    data = new_debate_data(client, territory, [{"question": "1", "texte": "second"}])
    response = client.post("/debates/new", data=data, headers={"Accept-Language": "fr"})
    assert response.status_code == 409
    assert "existe déjà" in response.text
    assert f'href="{local_wiki.page_url(title)}"' in html.unescape(response.text)
    assert page_text(bot, title) == before


def test_add_rows_keeps_what_was_typed_and_writes_nothing(client, bot):
    territory = unique()
    data = new_debate_data(client, territory, [{"question": "2", "texte": HOSTILE}],
                           action="add_rows")
    response = client.post("/debates/new", data=data)
    assert response.status_code == 200
    assert len(re.findall(r'name="postits-\d+-texte"', response.text)) == 10
    assert 'name="postits-9-texte"' in response.text
    assert "&lt;script&gt;alert(1)" in response.text and "<script>alert" not in response.text
    assert re.search(r'<option selected value="2">', response.text)
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


def test_more_rows_than_a_form_takes_are_refused_not_dropped(client, bot):
    from coacte.web.forms import MAX_ROWS

    territory = unique()
    rows = [{"question": "1", "texte": f"idée {i}"} for i in range(MAX_ROWS + 1)]
    response = client.post("/debates/new", data=new_debate_data(client, territory, rows),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert f"{MAX_ROWS + 1} rows were sent" in response.text
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


# -- paste ---------------------------------------------------------------------------------


def test_paste_previews_then_confirm_appends(client, bot, local_wiki):
    territory = unique()
    created = new_debate_data(client, territory, [{"question": "1", "texte": "existant"}])
    assert client.post("/debates/new", data=created).status_code == 302
    title = f"Débat:{territory}/Tour 1"
    before = page_text(bot, title)
    token = csrf(client, "/debates/paste")
    response = client.post("/debates/paste", data={
        "csrf_token": token, "page": title, "question": "3", "groupe": "Élus",
        # HOSTILE holds " | ": tabs (as copied from a spreadsheet) keep it one cell
        "lines": f"{HOSTILE}\t\tC01\tblocage\nUn levier | Jeunes | | levier\n"},
        headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert "&lt;script&gt;" in response.text and "<script>alert" not in response.text
    assert page_text(bot, title) == before  # nothing written by a preview
    confirm = token_of(response)
    assert confirm
    done = client.post("/debates/confirm", data={"csrf_token": token, "token": confirm})
    assert done.status_code == 302
    text = page_text(bot, title)
    assert text.startswith(before.rstrip("\n"))
    assert last_user(bot, title) == local_wiki.extra["local"]["editor_user"]
    debate, problems = read(text, title)
    assert problems == []
    assert [(p.index, p.text, p.group, p.kind) for p in debate.postits] == [
        (1, "existant", "", ""), (2, HOSTILE, "Élus", "blocage"), (3, "Un levier", "Jeunes",
                                                                 "levier")]
    # a preview is written once: a second confirmation finds nothing
    again = client.post("/debates/confirm", data={"csrf_token": token, "token": confirm})
    assert again.status_code == 410
    assert page_text(bot, title) == text


def test_paste_with_blocking_problems_offers_no_confirmation(client, bot):
    territory = unique()
    token = csrf(client, "/debates/paste")
    response = client.post("/debates/paste", data={
        "csrf_token": token, "territoire": territory, "tour": "1", "question": "3",
        "lines": "sans nature\nun levier | | | levier\n"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert token_of(response) is None
    assert re.search(r'id="row-1".*?blocker or a lever', response.text, re.S)
    assert "sans nature" in response.text  # the lines are kept to be fixed
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


def test_paste_for_a_new_page_and_tokens_belong_to_their_session(app, client, bot,
                                                                  local_wiki):
    territory = unique()
    token = csrf(client, "/debates/paste")
    response = client.post("/debates/paste", data={
        "csrf_token": token, "territoire": territory, "tour": "2", "question": "1",
        "lines": "une idée\n"})
    confirm = token_of(response)
    assert "nouvelle page" in response.text or "new page" in response.text
    other = app.test_client()
    login(other, local_wiki)
    stolen = other.post("/debates/confirm", data={
        "csrf_token": csrf(other, "/debates/paste"), "token": confirm})
    assert stolen.status_code == 410
    title = f"Débat:{territory}/Tour 2"
    assert page_text(bot, title) is None
    assert client.post("/debates/confirm", data={"csrf_token": token,
                                                 "token": confirm}).status_code == 302
    debate, problems = read(page_text(bot, title), title)
    assert problems == [] and (debate.territory, debate.round) == (territory, 2)
    assert [p.text for p in debate.postits] == ["une idée"]


def test_paste_to_a_page_that_is_not_a_debate_is_refused(client):
    response = client.post("/debates/paste", data={
        "csrf_token": csrf(client, "/debates/paste"), "page": "CO-ACTE/Nulle part " + unique(),
        "lines": "x"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "is not a debate page" in response.text


# -- import --------------------------------------------------------------------------------


def test_import_preview_shows_row_errors_and_writes_nothing(client, bot):
    territory = unique()
    data = ("Question;Texte;Groupe;Nature\r\n"
            "3;Les élus décident seuls;Élus;blocage\r\n"
            "4;Mauvaise question;Jeunes;\r\n"
            "1;;Jeunes;\r\n"
            f"1;{HOSTILE};Aînés;\r\n").encode("cp1252", "replace")
    response = client.post("/import", data={
        "csrf_token": csrf(client, "/import"), "territoire": territory, "tour": "1",
        "file": (io.BytesIO(data), "débat.csv")}, content_type="multipart/form-data",
        headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    page = response.text
    assert token_of(response) is None
    row3 = re.search(r'<tr id="row-3">(.*?)</tr>', page, re.S).group(1)
    assert "colonne A" in row3 and "« 4 »" in html.unescape(row3)
    row4 = re.search(r'<tr id="row-4">(.*?)</tr>', page, re.S).group(1)
    assert "colonne B" in row4 and "texte" in row4
    assert "ligne 3 — colonne A" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


def test_import_xlsx_preview_then_confirm_writes(client, bot, local_wiki):
    territory = unique()
    data = xlsx([["texte", "question", "groupe", "nature", "niveau"],
                 [HOSTILE, 3, "Élus", "levier", "local, européen"],
                 ["Une idée", 1, "Jeunes", None, None]])
    token = csrf(client, "/import")
    response = client.post("/import", data={
        "csrf_token": token, "territoire": territory, "tour": "3",
        "file": (io.BytesIO(data), "transcription.xlsx")},
        content_type="multipart/form-data", headers={"Accept-Language": "fr"})
    assert response.status_code == 200, response.text
    confirm = token_of(response)
    assert confirm and "2 post-it(s)" in response.text
    title = f"Débat:{territory}/Tour 3"
    assert page_text(bot, title) is None  # nothing written until confirmed
    done = client.post("/debates/confirm", data={"csrf_token": token, "token": confirm})
    assert done.status_code == 302
    assert "2 post-it(s)" in client.get("/debates/saved").text
    assert last_user(bot, title) == local_wiki.extra["local"]["editor_user"]
    debate, problems = read(page_text(bot, title), title)
    assert problems == []
    assert [(p.question, p.text, p.group, p.kind, p.levels) for p in debate.postits] == [
        (3, HOSTILE, "Élus", "levier", ("local", "européen")),
        (1, "Une idée", "Jeunes", "", ())]


@pytest.mark.parametrize("payload, needle", [
    (b"\x00\x01\x02\xff" * 50, "ni un CSV ni un XLSX"),
    (b"", "est vide"),
    (b"auteur;date\nmoi;hier\n", "pas de ligne d'en-tête"),
    (b"texte;auteur;question\nx;moi;1\n", "colonne(s) inconnue(s) B « auteur »"),
])
def test_a_broken_file_gives_a_clear_message(client, bot, payload, needle):
    territory = unique()
    response = client.post("/import", data={
        "csrf_token": csrf(client, "/import"), "territoire": territory, "tour": "1",
        "file": (io.BytesIO(payload), "mon fichier.csv")},
        content_type="multipart/form-data", headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "« mon fichier.csv »" in text and needle in text
    assert "Traceback" not in text
    assert page_text(bot, f"Débat:{territory}/Tour 1") is None


def test_import_needs_a_file_and_a_valid_territory(client):
    response = client.post("/import", data={
        "csrf_token": csrf(client, "/import"), "territoire": "A[b]", "tour": "1",
        "file": (io.BytesIO(b"texte;question\nx;1\n"), "t.csv")},
        content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "cannot be used in a page title" in response.text
    response = client.post("/import", data={"csrf_token": csrf(client, "/import"),
                                            "territoire": "X", "tour": "1"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "Choose a file" in response.text


# -- reactions -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def previous_round(bot):
    """A published global synthesis of a round no other test uses, with two ideas."""
    round_ = random.randint(5000, 9_000_000)
    title = f"Synthèse:Globale/Tour {round_}"
    body = "\n".join([
        "{{CO-ACTE idée\n| clé = g3b-1a2b3c4d\n| question = 3\n| nature = blocage\n"
        "| énoncé = Le financement &#60;b&#62;annuel&#60;/b&#62;\n}}",
        "{{CO-ACTE idée\n| clé = g3l-5e6f7a8b\n| question = 3\n| nature = levier\n"
        "| énoncé = Un conseil de quartier\n}}",
        "{{CO-ACTE idée\n| clé = g1-0a0b0c0d\n| question = 1\n| énoncé = Hors sujet\n}}",
    ])
    assert bot.save(title, region.wrap(body), "test setup", None).status == "saved"
    return round_ + 1


def test_reactions_form_lists_question_3_ideas(client, previous_round):
    response = client.get("/reactions", query_string={
        "territoire": unique(), "tour": previous_round}, headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert 'value="g3b-1a2b3c4d"' in response.text and 'value="g3l-5e6f7a8b"' in response.text
    assert "g1-0a0b0c0d" not in response.text
    assert "Le financement &lt;b&gt;annuel&lt;/b&gt;" in response.text
    # In English the choices read in English; the page still gets the contract's values.
    english = client.get("/reactions", query_string={
        "territoire": unique(), "tour": previous_round, "uselang": "en"})
    assert '<option value="oui">yes</option>' in english.text
    assert '<option value="nuancé">nuanced</option>' in english.text


def test_reactions_are_written_and_read_back(client, bot, local_wiki, previous_round):
    territory = unique()
    title = f"Débat:{territory}/Tour {previous_round}"
    token = csrf(client, "/debates/new")
    response = client.post("/reactions", data={
        "csrf_token": token, "territoire": territory, "tour": str(previous_round),
        "groupe": "Élus",
        "lines-0-idée": "g3b-1a2b3c4d", "lines-0-accord": "oui", "lines-0-priorité": "5",
        "lines-0-commentaire": HOSTILE, "lines-0-groupe": "",
        "lines-1-idée": "g3l-5e6f7a8b", "lines-1-accord": "", "lines-1-priorité": "",
        "lines-1-commentaire": "", "lines-1-groupe": ""})
    assert response.status_code == 302, response.text
    assert last_user(bot, title) == local_wiki.extra["local"]["editor_user"]
    debate, problems = read(page_text(bot, title), title)
    assert problems == []
    answered = [(r.key, r.agreement, r.priority, r.comment, r.group)
                for r in debate.reactions if r.agreement]
    assert answered == [("g3b-1a2b3c4d", "oui", 5, HOSTILE, "Élus")]
    # a second group adds its own reactions; the first group's stay
    response = client.post("/reactions", data={
        "csrf_token": token, "territoire": territory, "tour": str(previous_round),
        "groupe": "",
        "lines-0-idée": "g3b-1a2b3c4d", "lines-0-accord": "non", "lines-0-priorité": "2",
        "lines-0-commentaire": "", "lines-0-groupe": "Jeunes",
        "lines-1-idée": "g3l-5e6f7a8b", "lines-1-accord": "nuancé", "lines-1-priorité": "3",
        "lines-1-commentaire": "", "lines-1-groupe": "Jeunes"})
    assert response.status_code == 302
    debate, problems = read(page_text(bot, title), title)
    assert problems == []
    answered = sorted((r.key, r.agreement, r.priority, r.group)
                      for r in debate.reactions if r.agreement)
    assert answered == [("g3b-1a2b3c4d", "non", 2, "Jeunes"),
                        ("g3b-1a2b3c4d", "oui", 5, "Élus"),
                        ("g3l-5e6f7a8b", "nuancé", 3, "Jeunes")]
    # the form shows what a group already answered
    shown = client.get("/reactions", query_string={
        "territoire": territory, "tour": previous_round, "groupe": "Élus"})
    assert '<option selected value="oui">' in shown.text
    assert '<option selected value="5">' in shown.text


def test_a_group_written_without_its_accent_replaces_its_reaction(client, bot, previous_round):
    """"Elus" is the group "Élus": its answer replaces the first one (a second reaction
    would be rejected by the Delphi count as a duplicate, the old answer still counted)."""
    territory = unique()
    title = f"Débat:{territory}/Tour {previous_round}"
    token = csrf(client, "/debates/new")
    for group, agreement in (("Élus", "oui"), ("Elus", "non")):
        response = client.post("/reactions", data={
            "csrf_token": token, "territoire": territory, "tour": str(previous_round),
            "groupe": group,
            "lines-0-idée": "g3b-1a2b3c4d", "lines-0-accord": agreement,
            "lines-0-priorité": "", "lines-0-commentaire": "", "lines-0-groupe": ""})
        assert response.status_code == 302, response.text
    debate, problems = read(page_text(bot, title), title)
    assert problems == []
    answered = [(r.agreement, r.group) for r in debate.reactions
                if r.key == "g3b-1a2b3c4d" and r.answered]
    assert answered == [("non", "Elus")]


def test_reaction_problems_show_beside_the_line_and_nothing_is_written(client, bot,
                                                                       previous_round):
    territory = unique()
    response = client.post("/reactions", data={
        "csrf_token": csrf(client, "/debates/new"), "territoire": territory,
        "tour": str(previous_round), "groupe": "Élus",
        "lines-0-idée": "g3b-1a2b3c4d", "lines-0-accord": "peut-être",
        "lines-0-priorité": "9", "lines-0-commentaire": "", "lines-0-groupe": ""},
        headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert re.search(r'id="lines-0-priorité-error">[^<]*1 to 5', response.text)
    assert re.search(r'id="lines-0-accord-error">[^<]*peut-être', response.text)
    assert page_text(bot, f"Débat:{territory}/Tour {previous_round}") is None


def test_a_closed_round_says_so_and_takes_no_reaction(client, bot, previous_round):
    """Once `round close` marked the round's global page closed, the form says so and
    writes nothing (an answer would count nowhere)."""
    closed = f"Synthèse:Globale/Tour {previous_round}"
    assert bot.save(closed, region.wrap("{{CO-ACTE synthèse|territoire=Globale|tour="
                                        f"{previous_round}|état=clos}}}}"),
                    "test setup", None).status == "saved"
    territory = unique()
    shown = client.get("/reactions", query_string={
        "territoire": territory, "tour": previous_round}, headers={"Accept-Language": "fr"})
    assert 'id="round-closed"' in shown.text and f"tour {previous_round} est clos" in shown.text
    response = client.post("/reactions", data={
        "csrf_token": csrf(client, "/debates/new"), "territoire": territory,
        "tour": str(previous_round), "groupe": "Élus",
        "lines-0-idée": "g3b-1a2b3c4d", "lines-0-accord": "oui", "lines-0-priorité": "5",
        "lines-0-commentaire": "", "lines-0-groupe": "",
        "lines-1-idée": "g3l-5e6f7a8b", "lines-1-accord": "", "lines-1-priorité": "",
        "lines-1-commentaire": "", "lines-1-groupe": ""}, headers={"Accept-Language": "fr"})
    assert response.status_code == 409
    assert page_text(bot, f"Débat:{territory}/Tour {previous_round}") is None


def test_reactions_need_round_2_and_a_published_previous_round(client):
    response = client.get("/reactions", query_string={"territoire": "X", "tour": "1"},
                          headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "2 or more" in response.text
    response = client.get("/reactions", query_string={
        "territoire": "X", "tour": "9999999999"}, headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "No blocker or lever is published" in response.text


# -- the same import from the command line (coacte import) ----------------------------------


def test_command_line_import_checks_then_creates_then_appends(bot, tmp_path):
    from click.testing import CliRunner

    from bot_scripts.import_file import command

    territory = unique()
    title = f"Débat:{territory}/Tour 1"
    bad = tmp_path / "bad.csv"
    bad.write_bytes("texte;question;nature\nUn blocage;3;\nBon;1;\n".encode("cp1252"))
    result = CliRunner().invoke(command, [str(bad), "--territory", territory])
    assert result.exit_code == 1
    assert re.search(r"bad\.csv — (row|ligne) 2 — (column|colonne) C", result.output)
    assert page_text(bot, title) is None
    good = tmp_path / "good.csv"
    with good.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["text", "group"], [HOSTILE, "Élus"], ["Deux", "Jeunes"]])
    dry = CliRunner().invoke(command, [str(good), "--territory", territory,
                                       "--question", "1", "--dry-run"])
    assert dry.exit_code == 0 and "would create" in dry.output
    assert page_text(bot, title) is None
    result = CliRunner().invoke(command, [str(good), "--territory", territory,
                                          "--question", "2", "--country", "FR"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(command, [str(good), "--territory", territory,
                                          "--question", "1"])
    assert result.exit_code == 0, result.output
    debate, problems = read(page_text(bot, title), title)
    assert problems == [] and debate.country == "FR"
    assert [(p.question, p.text, p.group) for p in debate.postits] == [
        (2, HOSTILE, "Élus"), (2, "Deux", "Jeunes"), (1, HOSTILE, "Élus"), (1, "Deux", "Jeunes")]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 nope")
    result = CliRunner().invoke(command, [str(broken), "--territory", territory])
    assert result.exit_code == 1 and "broken.xlsx" in result.output
    assert "Traceback" not in result.output
