#!/usr/bin/env bash
# Throughput and latency of the public pages, served as `make run` serves them
# (gunicorn, DEBUG off, whitenoise), measured with wrk from a second process.
#
#   bench/run.sh            # 10 s per URL, 8 connections
#   DURATION=30s CONNECTIONS=32 bench/run.sh
#
# Needs wrk (apt-get install wrk). Uses its own database and port; prints one
# line per URL: requests/s, median and 99th-percentile latency, and the
# gunicorn workers' resident memory afterwards. Compare ratios within one run:
# the machines are shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
make --no-print-directory install >/dev/null

tmp=$(mktemp -d)
port=${PORT:-8791}
export DJANGO_SECRET_KEY=bench-only DATABASE_URL="sqlite:///$tmp/db.sqlite3" \
  DJANGO_STATIC_ROOT="$tmp/static" PORT="$port" WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} \
  GUNICORN_THREADS=${GUNICORN_THREADS:-2}
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_content -v0 >/dev/null
.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/gunicorn -c gunicorn.conf.py --access-logfile /dev/null niromp_site.wsgi 2>"$tmp/gunicorn.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done

css=$(curl -s "http://127.0.0.1:$port/" | grep -o '/static/css/site[^"]*')
measure() {
  for path in "$@"; do
    out=$(wrk -t2 -c"${CONNECTIONS:-8}" -d"${DURATION:-10s}" --latency "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    printf '%-52s %10s %9s %9s %s\n' "$path" "$rps" "$p50" "$p99" "$errors"
  done
}
printf '%-52s %10s %9s %9s\n' url req/s p50 p99
measure / /about-us/ /strategic-priorities/ /news/ \
  /news/niromp-responds-to-community-care-poll/ /news/feed/ /sitemap.xml "$css"

# Search through 2,000 news items (added to this benchmark's own database
# only), beside page views of the same archive.
.venv/bin/python manage.py shell -v0 -c '
from datetime import timedelta
from django.utils import timezone
from pages.models import Article
from search.index import rebuild
now, text = timezone.now(), "<p>" + "The review of care plans by independent reviewing officers. " * 40
Article.objects.bulk_create(
    Article(title=f"Bench item {n}", slug=f"bench-item-{n}", status="published",
            publish_at=now - timedelta(hours=n + 1), body=f"{text} Item {n}.</p>")
    for n in range(2000))
rebuild()'
echo "with 2,000 more news items:"
measure /news/ /news/bench-item-7/ "/search/?q=review" "/search/?q=independent+reviewing+officers"
rss=$(ps -o rss= --ppid "$server" | awk '{s+=$1} END {printf "%.0f", s/1024}')
echo "gunicorn workers' resident memory: ${rss} MiB ($WEB_CONCURRENCY workers)"
