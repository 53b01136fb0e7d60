"""``coacte serve``: the web service (forms, moderators' desk) beside the wiki."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, help="Worker threads (waitress).")
@click.option("--dev", is_flag=True, help="Flask's development server, with reloading.")
def command(host, port, threads, dev) -> None:
    """Serve the forms and the moderators' desk, logged in against the configured wiki.

    Production: waitress. Set COACTE_SECRET_KEY (or [web] secret_key in coacte.toml) so
    sessions survive a restart.
    """
    from bot_scripts._shared import open_stores
    from coacte.web import create_app
    from coacte.web.webhook import address_warning

    app = create_app(stores=open_stores())  # parsed pages and vectors, as the bots keep
    config = app.config["COACTE"]
    click.echo(f"serve: http://{host}:{port}/ (wiki: {config.wiki_url})", err=True)
    warning = address_warning(config.extra.get("web", {}).get("webhook_url", ""), host, port)
    if warning:
        click.echo(warning, err=True)
    if dev:
        app.run(host=host, port=port, debug=True)
    else:
        from waitress import serve

        serve(app, host=host, port=port, threads=threads)
