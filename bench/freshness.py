"""How fresh the syntheses are: seconds from a debate edit to its synthesis showing it.

Starts `coacte serve` on the port the wiki's webhook calls, makes N debate pages, then
edits each one (adding a post-it with a unique text) and polls its synthesis page until
the text appears. Prints p50, p95 and max of those delays, and the request counts.

    coacte wiki up && coacte install
    python bench/freshness.py --pages 50
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import requests

from coacte import config as settings
from coacte.wiki.client import connect
from coacte.wikitext.values import encode


def debate(territory: str, texts: list[str]) -> str:
    lines = [f"{{{{CO-ACTE débat|territoire={encode(territory)}|tour=1}}}}"]
    lines += [f"{{{{CO-ACTE post-it|question=1|texte={encode(t)}|groupe=G}}}}" for t in texts]
    return "\n".join(lines)


def wait_for(wiki, title: str, marker: str, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = wiki.read([title])[title]
        if page is not None and marker in page.text:
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    config = settings.load()
    port = urlsplit(config.extra["web"]["webhook_url"]).port
    server = subprocess.Popen([sys.executable, "-m", "coacte", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/login", timeout=1)
                break
            except requests.ConnectionError:
                if server.poll() is not None:
                    sys.exit(f"`coacte serve` exited ({server.returncode}) before answering")
                time.sleep(0.1)
        else:
            sys.exit(f"`coacte serve` did not answer on port {port}")
        wiki = connect(config)
        run = uuid.uuid4().hex[:6]
        names = [f"Fraîcheur {run} {n:02d}" for n in range(args.pages)]
        for name in names:
            wiki.save(f"Débat:{name}/Tour 1", debate(name, ["Première idée"]), "bench", None)
        time.sleep(3)  # let the first refreshes settle
        delays, missed = [], 0
        for name in names:
            marker = f"Idée fraîche {uuid.uuid4().hex[:8]}"
            title = f"Débat:{name}/Tour 1"
            base = wiki.read([title])[title]
            wiki.save(title, debate(name, ["Première idée", marker]), "bench edit", base)
            delay = wait_for(wiki, f"Synthèse:{name}/Tour 1", marker, args.timeout)
            if delay is None:
                missed += 1
            else:
                delays.append(delay)
        delays.sort()
        p95 = delays[max(0, round(0.95 * len(delays)) - 1)] if delays else float("nan")
        print(f"edits: {len(names)}, refreshed: {len(delays)}, missed: {missed}")
        if delays:
            p50 = statistics.median(delays)
            print(f"delay until the synthesis shows the edit: p50 {p50:.2f} s, "
                  f"p95 {p95:.2f} s, max {delays[-1]:.2f} s")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
