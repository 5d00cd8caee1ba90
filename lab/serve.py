"""Serve the Lab's site on the loopback interface: `python lab/serve.py [--port 8000] [--dir lab/dist]`.

Python's http.server, with the MIME types that module scripts and WebAssembly need
(browsers refuse an ES module served as application/octet-stream), and no caching,
so that a rebuilt site is what the next reload shows.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


# Cross-origin isolation: with these two headers the page may share memory with its worker,
# which is how Stop interrupts Python (lab/web/js/python.js). build.py writes them into
# dist/_headers too, for static hosts that read that file (Netlify, Cloudflare Pages).
ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    isolated = True

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        if self.isolated:
            for name, value in ISOLATION.items():
                self.send_header(name, value)
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:  # quiet but for errors
        if str(getattr(code, "value", code)).startswith(("4", "5")):
            super().log_request(code, size)


def server(directory: Path, port: int = 0, isolated: bool = True) -> http.server.ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1 (port 0: any free port; see .server_address); isolated=False
    leaves out the cross-origin isolation headers, as a plain static host would."""
    handler = functools.partial(type("Handler", (Handler,), {"isolated": isolated}), directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_in_thread(
    directory: Path, port: int = 0, isolated: bool = True
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server on a daemon thread; (server, its URL). Call server.shutdown() to stop it."""
    httpd = server(directory, port, isolated)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Lab on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent / "dist")
    args = parser.parse_args(argv)
    if not (args.dir / "index.html").exists():
        raise SystemExit(f"{args.dir} has no index.html: build it first (make lab-build)")
    try:
        httpd = server(args.dir, args.port)
    except OSError as error:
        raise SystemExit(f"cannot serve on 127.0.0.1:{args.port}: {error.strerror} (another PORT=?)") from None
    print(f"The Lab is at http://127.0.0.1:{args.port}/ (Ctrl-C stops it)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
