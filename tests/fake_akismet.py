"""A fake Akismet service on 127.0.0.1 speaking the Akismet 1.1 protocol, for
driving the real `akismet` library in tests (never the real service).

- verify-key: "valid" for VALID_KEY, else "invalid".
- comment-check: "true" for author "akismet-guaranteed-spam"; "true" with the
  header X-akismet-pro-tip: discard for author "akismet-guaranteed-discard";
  otherwise "false". A request with a wrong key gets "invalid".
- submit-spam / submit-ham: "Thanks for making the web a better place."
- modes: "ok", "down" (HTTP 500), "slow" (answers after `delay` seconds),
  "bad-key" (every key is rejected).
Every request is recorded in `calls` as (endpoint, form fields), and every
connection opened to it is counted in `connections` (it keeps them open, as
the real service does).
"""

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

VALID_KEY = "test-akismet-key"
SUBMITTED = "Thanks for making the web a better place."


class FakeAkismet:
    def __init__(self):
        self.mode = "ok"
        self.delay = 2.0
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.connections = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls_to(self, endpoint: str) -> list[dict[str, str]]:
        with self._lock:
            return [fields for name, fields in self.calls if name == endpoint]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as the real service: the site keeps one connection open.
            protocol_version = "HTTP/1.1"
            # The headers and the body go out as two writes: without this, the
            # second waits for the client's delayed ACK (40 ms) on an open connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with fake._lock:
                    fake.connections += 1

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                endpoint = self.path.rstrip("/").rsplit("/", 1)[-1]
                with fake._lock:
                    fake.calls.append((endpoint, form))
                if fake.mode == "down":
                    return self._reply("Internal Server Error", status=500)
                if fake.mode == "slow":
                    time.sleep(fake.delay)
                key = form.get("api_key", form.get("key"))
                key_ok = fake.mode != "bad-key" and key == VALID_KEY
                if endpoint == "verify-key":
                    return self._reply("valid" if key_ok else "invalid")
                if not key_ok:
                    return self._reply("invalid")
                if endpoint == "comment-check":
                    author = form.get("comment_author", "")
                    if author == "akismet-guaranteed-discard":
                        return self._reply("true", headers={"X-akismet-pro-tip": "discard"})
                    return self._reply("true" if author == "akismet-guaranteed-spam" else "false")
                if endpoint in ("submit-spam", "submit-ham"):
                    return self._reply(SUBMITTED)
                return self._reply("Not found", status=404)

            def _reply(self, body, status=200, headers=None):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                # The client may have given up waiting (the "slow" mode).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        return Handler
