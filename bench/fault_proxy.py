"""A fault-injecting HTTP proxy between a bot and a MediaWiki, on 127.0.0.1.

Every request is forwarded to the wiki; a set share of the ``api.php`` calls (``--rate``,
drawn from a seeded RNG) gets a fault instead of, or after, the wiki's answer:

- ``http500``, ``http502``, ``http503``: an HTTP error answered at once (not forwarded);
- ``slow``: forwarded (the wiki *does* the work, an edit is saved), but the answer is
  held ``--slow`` seconds, past the client's timeout: the answer of a done action is lost;
- ``maxlag``: HTTP 200 ``{"error": {"code": "maxlag"}}`` with ``Retry-After: 1`` and
  ``X-Database-Lag: 7`` (not forwarded), as MediaWiki answers a lagged replica;
- ``readonly``: ``{"error": {"code": "readonly"}}`` (not forwarded); only on write
  actions (``edit``, ``upload``…), as MediaWiki in read-only mode still answers reads;
- ``drop``: the connection is closed without an answer (not forwarded).

Other paths (``index.php``, ``load.php``…) are forwarded untouched. Counts per kind are
printed at exit.

    python bench/fault_proxy.py http://127.0.0.1:8080 --rate 0.1 --seed 1

As a library: ``start(target_url, rate, seed) -> (proxy_url, stats, stop)``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

KINDS = ("http500", "http502", "http503", "slow", "maxlag", "readonly", "drop")
#: Actions that write: the only ones a read-only wiki refuses.
WRITE_ACTIONS = {"edit", "upload", "move", "delete", "undelete", "protect", "patrol",
                 "rollback", "filerevert", "import", "managetags", "tag"}
#: Hop-by-hop headers and those ``requests`` rewrites (body decoded, length recomputed).
_SKIP = {"host", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
         "content-length", "content-encoding", "te", "trailer", "upgrade", "accept-encoding"}


class Stats:
    """What the proxy saw and did; ``faults`` counts injections by kind."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.api = 0
        self.faults: Counter[str] = Counter()
        self.actions: Counter[str] = Counter()

    @property
    def injected(self) -> int:
        return sum(self.faults.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {self.faults[k]}" for k in KINDS)
        return (f"{self.requests} requests ({self.api} to api.php), {self.injected} faults "
                f"injected: {kinds}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _fields(method: str, path: str, headers, body: bytes) -> dict[str, str]:
    """The API parameters of a request (query string, then a urlencoded form body)."""
    found = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
    ctype = headers.get("Content-Type", "")
    if method == "POST" and body and "multipart/form-data" not in ctype:
        found.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
    elif b'name="action"' in body:  # multipart upload: enough to know the action
        part = body.split(b'name="action"', 1)[1].split(b"\r\n\r\n", 1)[-1]
        found["action"] = part.split(b"\r\n", 1)[0].decode("utf-8", "replace")
    return found


def _drop(handler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


def _http_error(code: int):
    def answer(handler) -> None:
        handler._answer(code, b"<h1>Injected fault</h1>", {"Content-Type": "text/html"})
    return answer


def _maxlag(handler) -> None:
    error = {"code": "maxlag", "info": "Waiting for 127.0.0.1: 7 seconds lagged.",
             "host": "127.0.0.1", "lag": 7, "type": "db",
             "*": "Injected by bench/fault_proxy.py"}
    handler._json(error, {"Retry-After": "1", "X-Database-Lag": "7",
                          "MediaWiki-API-Error": "maxlag"})


def _readonly(handler) -> None:
    error = {"code": "readonly", "info": "The wiki is currently in read-only mode.",
             "readonlyreason": "Fault injected by bench/fault_proxy.py",
             "*": "Injected by bench/fault_proxy.py"}
    handler._json(error, {"MediaWiki-API-Error": "readonly"})


#: The faults answered by the proxy itself, without asking the wiki ("slow" asks it).
_INJECTED = {"drop": _drop, "http500": _http_error(500), "http502": _http_error(502),
             "http503": _http_error(503), "maxlag": _maxlag, "readonly": _readonly}


@dataclass
class _Proxy:
    """What the request handlers share: where to forward, how to draw a fault."""

    origin: str
    rate: float
    kinds: tuple[str, ...]
    where: Callable[[dict[str, str]], bool] | None
    slow: float
    rng: random.Random
    stats: Stats = field(default_factory=Stats)
    local: threading.local = field(default_factory=threading.local)

    def draw(self, fields: dict[str, str]) -> str | None:
        action = fields.get("action", "")
        allowed = [k for k in self.kinds if k != "readonly" or action in WRITE_ACTIONS]
        stats = self.stats
        with stats.lock:
            stats.api += 1
            stats.actions[action or "?"] += 1
            if self.where is not None and not self.where(fields):
                return None
            if not allowed or self.rng.random() >= self.rate:
                return None
            kind = self.rng.choice(allowed)
            stats.faults[kind] += 1
            return kind


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: _Proxy  # set on the subclass :func:`start` makes for each proxy

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        proxy = self.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with proxy.stats.lock:
            proxy.stats.requests += 1
        kind = None
        if urlsplit(self.path).path.endswith("api.php"):
            kind = proxy.draw(_fields(self.command, self.path, self.headers, body))
        if kind in _INJECTED:
            _INJECTED[kind](self)
            return
        try:
            status, headers, content = self._forward(body)
        except requests.RequestException as exc:
            self._answer(502, f"proxy: {exc}".encode(), {"Content-Type": "text/plain"})
            return
        if kind == "slow":
            time.sleep(proxy.slow)  # the client has given up: this answer is lost
        try:
            self._answer(status, content, headers)
        except OSError:
            self.close_connection = True

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        local = self.proxy.local
        if not hasattr(local, "session"):
            local.session = requests.Session()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _SKIP}
        resp = local.session.request(self.command, self.proxy.origin + self.path, data=body or None,
                                     headers=headers, allow_redirects=False, timeout=300)
        out = [(k, v) for k, v in resp.raw.headers.items()
               if k.lower() not in _SKIP and k.lower() != "set-cookie"]
        out += [("Set-Cookie", c) for c in resp.raw.headers.getlist("Set-Cookie")]
        return resp.status_code, out, resp.content

    def _json(self, error: dict, headers: dict[str, str]) -> None:
        data = json.dumps({"error": error, "servedby": "fault-proxy"}).encode()
        self._answer(200, data, {"Content-Type": "application/json; charset=utf-8",
                                 **headers})

    def _answer(self, status: int, content: bytes, headers) -> None:
        self.send_response(status)
        items = headers.items() if isinstance(headers, dict) else headers
        for key, value in items:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)


def start(target_url: str, rate: float = 0.1, seed: int = 0, *, port: int = 0,
          slow: float = 35.0, kinds: Iterable[str] = KINDS,
          where: Callable[[dict[str, str]], bool] | None = None
          ) -> tuple[str, Stats, Callable[[], None]]:
    """Start the proxy in background threads; returns its URL (same path as
    ``target_url``), its live :class:`Stats` and a ``stop()`` function.

    ``kinds`` restricts the faults drawn; ``where`` (API parameters → bool) restricts
    which api.php calls may get one; ``slow`` is how long a slow answer is held.
    """
    kinds = tuple(kinds)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
    target = urlsplit(target_url.rstrip("/") + "/")
    proxy = _Proxy(f"{target.scheme}://{target.netloc}", rate, kinds, where, slow,
                   random.Random(seed))
    handler = type("Handler", (_Handler,), {"proxy": proxy})
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}{target.path}".rstrip("/")

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return url, proxy.stats, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="the wiki's URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--rate", type=float, default=0.1, help="share of api.php calls")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--slow", type=float, default=35.0,
                        help="seconds a slow answer is held (past the client's timeout)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    url, stats, stop = start(args.target, args.rate, args.seed, port=args.port,
                             slow=args.slow, kinds=args.kinds.split(","))
    print(f"fault proxy on {url} → {args.target} (rate {args.rate}, seed {args.seed}); "
          "Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        print(stats.summary())


if __name__ == "__main__":
    main()
