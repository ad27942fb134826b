#!/usr/bin/env bash
# `make bench`: how fast the site serves its readers, measured as issue 9
# asks, in one run, as ratios to S (the site's own stylesheet served through
# the whole site), because the machines are shared and noisy.
#
#   make bench                          # 3 runs of 2 s per address, 16 connections (~18 minutes)
#   DURATION=5s RUNS=5 CONNECTIONS=32 make bench
#   BENCH_QUICK=1 make bench            # a tiny data set, one 1 s run, a few addresses
#
# It builds its own database in a temporary folder (never db.sqlite3): the
# seed content plus generated load (bench/make_data.py), serves it with
# `make run`'s gunicorn configuration twice, page cache on and PAGE_CACHE=false,
# plus a bare whitenoise app for the static baseline, and bench/measure.py
# measures with wrk and prints one table. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
test -x .venv/bin/gunicorn || { echo "Run make run (or make install) first" >&2; exit 1; }

quick=
[[ -n "${BENCH_QUICK:-}" && "${BENCH_QUICK}" != 0 ]] && quick=1
if [[ -n "$quick" ]]; then
  load=(--pages 20 --articles 40 --comments 2000 --press-comments 50)
  export DURATION=${DURATION:-1s} RUNS=${RUNS:-1} POST_DURATION=${POST_DURATION:-2s}
else
  load=(--pages 200 --articles 2000 --comments 100000 --press-comments 500)
  export DURATION=${DURATION:-2s} RUNS=${RUNS:-3} POST_DURATION=${POST_DURATION:-10s}
fi
export CONNECTIONS=${CONNECTIONS:-16}

tmp=$(mktemp -d)
servers=()
cleanup() {
  # SIGINT: gunicorn's quick shutdown; nothing here needs the graceful one.
  for pid in "${servers[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Everything the site reads, pointed at the temporary folder. DEBUG stays off
# (the default); the comment rate limit is off, as in tests/settings.py, so the
# POST flow measures the site rather than the limit.
export DJANGO_SETTINGS_MODULE=niromp_site.settings DJANGO_SECRET_KEY=bench-only-not-secret \
  DATABASE_URL="sqlite:///$tmp/db.sqlite3" DJANGO_STATIC_ROOT="$tmp/static" \
  DJANGO_MEDIA_ROOT="$tmp/media" COMMENT_RATE_LIMIT=0 DATA="$tmp/data.json"

# Django's start-up chatter goes to a log, shown only if a step fails.
quietly() {
  "$@" 2>>"$tmp/setup.log" || { cat "$tmp/setup.log" >&2; exit 1; }
}

echo "Preparing the benchmark database in $tmp ..." >&2
quietly .venv/bin/python manage.py migrate --no-input -v0
quietly .venv/bin/python manage.py seed_content -v0 >/dev/null
start=$SECONDS
quietly .venv/bin/python bench/make_data.py "${load[@]}" >"$DATA"
# The generated rows were bulk-inserted (no signals): index them for search.
quietly .venv/bin/python manage.py rebuild_search_index >/dev/null
echo "Generated load in $((SECONDS - start)) s: $(cat "$DATA")" >&2
if [[ -n "$quick" && -f staticfiles/staticfiles.json ]]; then
  # The smoke run only reads static files: the ones `make run` collected do,
  # and spare it collectstatic's half minute of compressing.
  export DJANGO_STATIC_ROOT=$PWD/staticfiles
else
  quietly .venv/bin/python manage.py collectstatic --no-input -v0
fi

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Akismet configured, as on a live site: each comment POSTed is checked inline
# over HTTP, against the test suite's fake service on 127.0.0.1 (never the
# real one), so the POST flow measures the path production runs.
.venv/bin/python bench/akismet_server.py >"$tmp/akismet" 2>>"$tmp/setup.log" &
servers+=("$!")
for _ in $(seq 50); do
  [[ -s "$tmp/akismet" ]] && break
  sleep 0.1
done
read -r akismet_url akismet_key <"$tmp/akismet" || { cat "$tmp/setup.log" >&2; exit 1; }
export AKISMET_API_URL=$akismet_url AKISMET_API_KEY=$akismet_key AKISMET_SITE_URL=http://127.0.0.1

# serve NAME APP [VAR=value...]: gunicorn with gunicorn.conf.py on a free port,
# its log in the temporary folder; sets $port and $pid.
serve() {
  local name=$1 app=$2
  shift 2
  port=$(free_port)
  env "$@" PORT="$port" .venv/bin/gunicorn -c gunicorn.conf.py "$app" >"$tmp/$name.log" 2>&1 &
  pid=$!
  servers+=("$pid")
  for _ in $(seq 150); do
    curl -so /dev/null "http://127.0.0.1:$port/" && return
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "$name did not start:" >&2
  cat "$tmp/$name.log" >&2
  exit 1
}

serve site-on niromp_site.wsgi PAGE_CACHE=true
export SITE_ON="http://127.0.0.1:$port" SITE_ON_PID=$pid
serve site-off niromp_site.wsgi PAGE_CACHE=false
export SITE_OFF="http://127.0.0.1:$port" SITE_OFF_PID=$pid
serve bare bench.bare_whitenoise:application
export BARE="http://127.0.0.1:$port"

echo "Measuring ..." >&2
.venv/bin/python bench/measure.py
