"""The service in a real browser: what a facilitator types and a moderator clicks reaches
the wiki under their own names, hostile post-its stay inert from the form to the wiki's
page, problems show beside their field, the desk is closed to facilitators, and the
forms work without JavaScript.

Tests share the session's wiki: territories carry a uuid suffix, rounds are ≥ 60.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace

from playwright.sync_api import Page, expect

from coacte.jobs import report as report_job
from coacte.jobs import synthesize as synthesize_job
from coacte.jobs.publish import PROPOSED
from coacte.model import Grid
from coacte.validate import read_debate
from coacte.wiki.client import Wiki, connect
from coacte.wikitext import proposal, region
from tests.browser.helpers import last_user, log_in, new_context, watch_dialogs
from tests.integration.helpers import debate_text, put, put_shared_ideas, run

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'


# -- helpers ------------------------------------------------------------------------------


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def a_round() -> int:
    return random.randint(60, 100_000)


def type_header(page: Page, territory: str, round_: int) -> None:
    """The debate's header, from the territory field onwards with the keyboard."""
    page.locator("#territoire").focus()
    page.keyboard.type(territory)
    page.keyboard.press("Tab")
    expect(page.locator("#tour")).to_be_focused()
    page.keyboard.type(str(round_))
    page.keyboard.press("Tab")
    expect(page.locator("#pays")).to_be_focused()
    page.keyboard.type("FR")


def type_row(page: Page, n: int, question: str, text: str, group: str = "",
             kind: str = "") -> None:
    """One post-it row: the selects are chosen, the text fields typed, Tab between."""
    page.locator(f"#postits-{n}-question").select_option(question)
    page.locator(f"#postits-{n}-question").focus()
    page.keyboard.press("Tab")
    expect(page.locator(f"#postits-{n}-texte")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    expect(page.locator(f"#postits-{n}-groupe")).to_be_focused()
    page.keyboard.type(group)
    if kind:
        page.locator(f"#postits-{n}-nature").select_option(kind)


def rows(page: Page):
    return page.locator("#postit-rows tbody tr")


# -- 1. logging in --------------------------------------------------------------------------


def test_log_in_through_the_form_as_the_editor(page, server, installed, shot):
    user = installed.extra["local"]["editor_user"]
    page.goto(f"{server}/")
    shot(page, "home-anonymous")
    expect(page.locator("header .who")).to_have_count(0)
    log_in(page, server, installed, "editor", shot)
    assert page.url == f"{server}/"
    expect(page.locator("p.flash.success")).to_have_text(f"Bienvenue, {user}.")
    header = page.locator("header")
    expect(header.locator(".who")).to_have_text(user)
    expect(header.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(header.get_by_role("link", name="Se connecter")).to_have_count(0)


# -- 2. a new debate, from the keyboard to the wiki ------------------------------------------


def test_the_row_tables_fit_1280_pixels(page, server, installed, shot, tmp_path):
    """Every column of the new-debate rows, Acteurs included, and the import preview's
    problems column are visible at 1280 px without scrolling sideways; the preview lists
    one problem per line."""
    log_in(page, server, installed, "editor", shot)
    page.goto(f"{server}/debates/new")
    fits = "w => w.scrollWidth <= w.clientWidth + 1"
    assert page.locator(".rows-wrap").evaluate(fits)
    csv = tmp_path / "apercu.csv"
    csv.write_text("question;texte;groupe;code;nature;niveau;acteurs\n"
                   "3;" + "Les financements sont votés chaque année " * 4
                   + ";Jeunes;C01/P15;peut-être;national, local;État, région, commune\n"
                   "9;Texte;Habitants;;;;\n", encoding="utf-8")
    page.goto(f"{server}/import")
    page.fill("input[name=territoire]", unique("Aperçu"))
    page.fill("input[name=tour]", str(a_round()))
    page.set_input_files("input[type=file]", str(csv))
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    shot(page, "preview")
    assert page.locator(".rows-wrap").evaluate(fits)
    problems = page.locator("#preview-rows td.row-problems li")
    expect(problems).to_have_count(2)
    assert page.locator("#preview-rows td.row-problems").last.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= 1280")



def test_create_a_debate_with_the_keyboard_and_read_it_back(page, server, installed, shot):
    dialogs = watch_dialogs(page)
    territory, round_ = unique("Navigateur"), a_round()
    typed = [("1", f"Un café associatif {territory}", "Aînés", ""),
             ("2", HOSTILE, "Jeunes", ""),
             ("3", "Les financements sont votés chaque année", "Élus", "blocage")]
    log_in(page, server, installed, "editor", shot)
    page.get_by_role("link", name="Nouveau débat").click()
    expect(page.locator("h1")).to_have_text("Saisir un débat")
    shot(page, "new-debate-empty")
    type_header(page, territory, round_)
    for n, (question, text, group, kind) in enumerate(typed):
        type_row(page, n, question, text, group, kind)
    shot(page, "new-debate-filled")
    page.locator("#postits-2-groupe").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission: the default button, "save"
    shot(page, "saved")

    title = f"Débat:{territory}/Tour {round_}"
    assert page.url == f"{server}/debates/saved"
    expect(page.locator("p.flash.success")).to_have_text(
        f"La page {title} a été créée avec 3 post-it(s).")
    link = page.get_by_role("link", name=f"Ouvrir {title} sur le wiki")
    expect(link).to_have_attribute("href", installed.page_url(title))

    wiki = connect(installed)
    current = wiki.read([title])[title]
    assert current is not None, f"{title} was not created"
    assert last_user(wiki, title) == installed.extra["local"]["editor_user"]
    debate, problems = read_debate(current, Grid())
    assert problems == []
    assert (debate.territory, debate.round, debate.country) == (territory, round_, "FR")
    assert [(str(p.question), p.text, p.group, p.kind) for p in debate.postits] == typed

    with page.expect_navigation():
        link.click()
    page.wait_for_load_state("networkidle")
    shot(page, "wiki-page")
    content = page.locator("#mw-content-text")
    assert HOSTILE in content.inner_text()
    assert f"Un café associatif {territory}" in content.inner_text()
    expect(content.locator("img[src='x']")).to_have_count(0)
    assert "alert(1)" not in "".join(
        content.locator("script").evaluate_all("els => els.map(e => e.textContent)"))
    assert dialogs == []


# -- 3. a validation error ------------------------------------------------------------------


def test_a_missing_question_is_shown_beside_its_field_and_nothing_is_written(
        page, server, installed, shot):
    dialogs = watch_dialogs(page)
    territory, round_ = unique("Erreur navigateur"), a_round()
    log_in(page, server, installed, "editor", shot)
    page.goto(f"{server}/debates/new")
    type_header(page, territory, round_)
    type_row(page, 0, "1", "Une idée correcte", "Élus")
    page.locator("#postits-1-texte").focus()  # question left empty
    page.keyboard.type(HOSTILE)
    shot(page, "new-debate-filled")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Enregistrer le débat").click()
    page.wait_for_load_state()
    shot(page, "problems")
    assert posted.value.status == 422

    question = page.locator("#postits-1-question")
    expect(question).to_have_attribute("aria-invalid", "true")
    beside = page.locator("td.field-error").filter(has=question).locator(".error-text")
    expect(beside).to_be_visible()
    expect(beside).to_have_attribute("id", "postits-1-question-error")
    expect(beside).not_to_be_empty()
    expect(question).to_have_attribute("aria-describedby", "postits-1-question-error")
    # the summary at the top links to the field; the valid row is not flagged
    summary = page.locator("#problems")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#postits-1-question']")).to_have_count(1)
    expect(page.locator("#postits-0-question")).to_have_attribute("aria-invalid", "false")
    # what was typed is kept, as text
    expect(page.locator("#territoire")).to_have_value(territory)
    expect(page.locator("#postits-1-texte")).to_have_value(HOSTILE)
    expect(page.locator("img[src='x']")).to_have_count(0)
    assert dialogs == []

    assert connect(installed).read([f"Débat:{territory}/Tour {round_}"]) == {
        f"Débat:{territory}/Tour {round_}": None}


# -- 4. approving a synthesis -----------------------------------------------------------------


def test_the_moderator_approves_a_proposed_synthesis(page, server, installed, shot):
    name, round_ = unique("Approbation navigateur"), a_round()
    text = f"Le jardin partagé rapproche les voisins {name}"
    bot = connect(installed)
    put(bot, f"Débat:{name}/Tour {round_}", debate_text(name, [
        {"question": 1, "texte": text, "groupe": "Élus"},
        {"question": 2, "texte": HOSTILE, "groupe": "Jeunes"}], round_=round_))
    approving = Wiki(replace(installed, approval=True)).login()
    result = synthesize_job.synthesize(approving, territory=name)
    target = f"Synthèse:{name}/Tour {round_}"
    assert result.status == report_job.DONE
    assert [(o.title, o.status) for o in result.outcomes] == [(target, PROPOSED)]
    assert bot.read([target])[target] is None  # held for approval, not written

    dialogs = watch_dialogs(page)
    log_in(page, server, installed, "moderator", shot)
    page.locator("header nav").get_by_role("link", name="Bureau des modérateurs").click()
    expect(page.locator("h1")).to_have_text("Bureau des modérateurs")
    shot(page, "desk")
    page.locator("main").get_by_role(
        "link", name="Mises à jour de synthèse en attente").first.click()
    expect(page.locator("h1")).to_have_text("Mises à jour de synthèse en attente")
    section = page.locator("section.proposal").filter(
        has=page.get_by_role("heading", name=target, exact=True))
    expect(section).to_have_count(1)
    shot(page, "proposals")
    diff = section.locator("pre.diff")
    expect(diff).to_be_visible()
    expect(diff.locator("span.add", has_text=text)).not_to_have_count(0)
    expect(page.locator("img[src='x']")).to_have_count(0)
    with page.expect_navigation():
        section.get_by_role("button", name="Approuver").click()
    shot(page, "approved")
    expect(page.locator("p.flash.success")).to_have_text(
        f"{target} est mise à jour avec la proposition du bot.")
    expect(page.locator("section.proposal").filter(
        has=page.get_by_role("heading", name=target, exact=True))).to_have_count(0)
    assert dialogs == []

    page_now = bot.read([target])[target]
    assert page_now is not None, f"{target} was not written"
    assert text in page_now.text
    assert last_user(bot, target) == installed.extra["local"]["moderator_user"]
    assert proposal.is_blank(bot.read([proposal.title_for(target)])[
        proposal.title_for(target)].text)


def test_the_moderator_answers_three_suggestions_with_the_keyboard(page, server, installed,
                                                                    shot):
    round_ = a_round()
    bot = connect(installed)
    put_shared_ideas(bot, round_)
    assert run("global", "--round", str(round_)).exit_code == 0
    title = f"Synthèse:Globale/Tour {round_}"

    dialogs = watch_dialogs(page)
    log_in(page, server, installed, "moderator", shot)
    page.goto(f"{server}/moderation/review?round={round_}")
    expect(page.locator("h1")).to_have_text("File de revue")
    expect(page.locator("#review-progress")).to_contain_text("0 réponses")
    shot(page, "queue")
    asked, written = [], []
    for key in ("s", "d", "s"):  # a pair's answer, or a check's (members of one idea)
        if page.locator("input[name=a]").count():
            asked.append(frozenset(page.locator(f"input[name={n}]").get_attribute("value")
                                   for n in "ab"))
            written.append("fusionner" if key == "s" else "distinguer")
        else:
            members = page.locator("input[name=member]")
            asked.append(frozenset([page.locator("input[name=idea]").get_attribute("value"),
                                    *(members.nth(k).get_attribute("value")
                                      for k in range(members.count()))]))
            written.append("confirmer" if key == "s" else "séparer")
        with page.expect_navigation():
            page.keyboard.press(key)
        expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("#review-progress")).to_contain_text("3 réponses")
    shot(page, "after-three")
    assert dialogs == []
    assert len(set(asked)) == 3

    outside = region.outside(bot.read([title])[title].text)
    for action in ("fusionner", "distinguer", "confirmer", "séparer"):
        assert outside.count(f"action = {action}") == written.count(action), action
    assert last_user(bot, title) == installed.extra["local"]["moderator_user"]


# -- 5. the desk is closed to facilitators ------------------------------------------------------


def test_the_editor_cannot_open_the_desk(page, server, installed, shot):
    log_in(page, server, installed, "editor", shot)
    nav = page.locator("header nav")
    expect(nav.get_by_role("link", name="Nouveau débat")).to_be_visible()
    expect(nav.get_by_role("link", name="Bureau des modérateurs")).to_have_count(0)
    expect(nav.locator("a[href^='/moderation']")).to_have_count(0)
    for path in ("/moderation/", "/moderation/proposals"):
        response = page.goto(f"{server}{path}")
        shot(page, "forbidden-" + path.strip("/").replace("/", "-"))
        assert response.status == 403, path
        expect(page.locator("p.flash.error")).to_have_text(
            "Cette page est réservée aux modérateurs CO-ACTE du wiki.")
        expect(page.locator("pre.diff, section.proposal")).to_have_count(0)
        expect(nav.locator("a[href^='/moderation']")).to_have_count(0)


# -- 6. without JavaScript ------------------------------------------------------------------------


def test_add_rows_works_without_javascript(browser, server, installed, shot):
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, server, installed, "editor", shot)
        page.goto(f"{server}/debates/new")
        shot(page, "new-debate-no-js")
        expect(rows(page)).to_have_count(5)
        territory, round_ = unique("Sans JS"), a_round()
        page.locator("#territoire").fill(territory)
        page.locator("#tour").fill(str(round_))
        page.locator("#postits-4-texte").fill("Gardé après l'ajout")
        # forms.js would add the rows in place; without it the button posts the form
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Ajouter 5 lignes").click()
        page.wait_for_load_state()
        shot(page, "added-rows")
        assert posted.value.status == 200
        expect(rows(page)).to_have_count(10)
        expect(page.locator("#postits-9-texte")).to_have_value("")
        expect(page.locator("#postits-4-texte")).to_have_value("Gardé après l'ajout")
        expect(page.locator("#territoire")).to_have_value(territory)
        expect(page.locator("#tour")).to_have_value(str(round_))
        expect(rows(page).nth(9).locator("th")).to_have_text("10")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.get_by_role("button", name="Ajouter 5 lignes").click()
        page.wait_for_load_state()
        shot(page, "added-rows-again")
        expect(rows(page)).to_have_count(15)
    finally:
        context.close()
    title = f"Débat:{territory}/Tour {round_}"
    assert connect(installed).read([title])[title] is None  # adding rows saves nothing
