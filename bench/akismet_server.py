"""The test suite's fake Akismet service (tests/fake_akismet.py) as a process
of its own, so the benchmark's comments are spam-checked as a configured site
checks them (inline, through the akismet library, over HTTP) without leaving
the machine. Prints "URL KEY" on one line, then serves until interrupted."""

import signal
import sys
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fake_akismet import VALID_KEY, FakeAkismet

# run.sh stops its servers with SIGINT, which bash leaves ignored in a
# script's background jobs: take it back.
signal.signal(signal.SIGINT, signal.default_int_handler)
fake = FakeAkismet()
fake.calls = deque(maxlen=1000)  # the benchmark reads none; keep memory flat
print(fake.url, VALID_KEY, flush=True)
try:
    fake.server.serve_forever()
except KeyboardInterrupt:
    pass
finally:
    fake.server.server_close()
