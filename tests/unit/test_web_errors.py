"""The service's error pages: said in the reader's language, with what to do."""

from __future__ import annotations

from coacte.config import Config
from coacte.web import create_app


def test_an_upload_over_the_limit_is_said_in_the_readers_language():
    app = create_app(Config(), TESTING=True,
                     MAX_CONTENT_LENGTH=1024 * 1024)
    answer = app.test_client().post("/import?uselang=pt", data=b"x" * 2 * 1024 * 1024,
                                    content_type="application/octet-stream")
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert '<html lang="pt">' in page and "ultrapassa 1 MB" in page
    assert "nada foi guardado" in page
