"""The /import form against the real wiki, for bounded imports: a zip bomb is refused
with its limit named and nothing written; a CSV mixing UTF-8 and Windows-1252 lines is
previewed with both texts right and a warning naming the Windows-1252 lines."""

from __future__ import annotations

import html
import io
import re
import uuid

import pytest

from tests.unit.test_importing_limits import workbook
from tests.web.helpers import app_for, csrf, login


@pytest.fixture()
def client(local_wiki):
    client = app_for(local_wiki).test_client()
    assert login(client, local_wiki).status_code == 302
    return client


def post(client, territory: str, data: bytes, name: str, lang: str = "fr"):
    return client.post("/import", data={
        "csrf_token": csrf(client, "/import"), "territoire": territory, "tour": "1",
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        headers={"Accept-Language": lang})


def test_a_zip_bomb_is_refused_with_its_limit_and_nothing_is_written(client, local_wiki,
                                                                      tmp_path):
    from coacte.wiki.client import connect

    territory = f"Bombe {uuid.uuid4().hex[:8]}"
    bomb = workbook(tmp_path / "bombe.xlsx", 1_000_000).read_bytes()
    response = post(client, territory, bomb, "bombe.xlsx")
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "« bombe.xlsx »" in text and "20 Mo" in text and "Traceback" not in text
    assert 'name="token"' not in response.text
    title = f"Débat:{territory}/Tour 1"
    assert connect(local_wiki).read([title])[title] is None


def test_a_mixed_encoding_csv_is_previewed_right_with_a_warning(client):
    data = (b"question;texte;groupe\n"
            + "1;Élus à Mulhouse;Élus\n".encode()
            + "2;Jeunes à Tarbes;Jeunes\n".encode("cp1252"))
    response = post(client, f"Mêlé {uuid.uuid4().hex[:8]}", data, "mêlé.csv", lang="en")
    assert response.status_code == 200, response.text
    text = html.unescape(response.text)
    assert "Élus à Mulhouse" in text and "Jeunes à Tarbes" in text and "Ã" not in text
    row = re.search(r'<tr id="row-3">(.*?)</tr>', text, re.S).group(1)
    assert "read as Windows-1252: 3" in row
    assert 'name="token"' in response.text  # a warning: the import may go on
