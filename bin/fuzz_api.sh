#!/usr/bin/env bash
# Fuzz the API with Schemathesis, generated from its own OpenAPI schema (/api/schema/), as three callers: an
# anonymous visitor, a county staff member's session and a job seeker's token. Every answer must be free of server
# errors (5xx) and match the schema the API publishes, body and content type. (Not every status code: gunicorn
# itself answers 414 to an over-long URL, as in production.) Exits non-zero on any failure; docs/security.md.
#
# The server runs on 127.0.0.1 against a scratch PostgreSQL database (FUZZ_DATABASE_URL, by default DATABASE_URL's
# database with "_fuzz" appended), dropped and seeded with `seed_demo` on every run, so whatever the fuzzer books,
# cancels or edits is throwaway data. The SMS-code endpoint is left out: it would only text demo phones and trip
# its own rate limit. Bounded: FUZZ_MAX_EXAMPLES cases per operation and FUZZ_SECONDS per caller. Arguments are
# passed on to `schemathesis run` (e.g. `bin/fuzz_api.sh --seed 1234` to replay a run).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
BASE_DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/chunfeng}"
export DATABASE_URL="${FUZZ_DATABASE_URL:-${BASE_DATABASE_URL%%\?*}_fuzz}"
# The server under test runs as in production (DEBUG off, so the real 404 and 500 handlers answer), but in embedded
# mode (tasks in-process, cache in memory; Redis is left alone) and on plain HTTP. Keys are this run's own.
unset REDIS_URL
export DEBUG=false LOG_LEVEL=WARNING LOG_FORMAT=text ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
SECRET_KEY=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY PII_KEY="fuzz-personal-data-key-for-a-scratch-database"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
SECONDS_PER_CALLER="${FUZZ_SECONDS:-50}"
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "fuzz: scratch database ${DATABASE_URL##*/}"
$BIN/python - <<'PY'
import os

import environ
import psycopg2
from psycopg2 import sql

database = environ.Env.db_url_config(os.environ["DATABASE_URL"])
connection = psycopg2.connect(
    dbname="postgres", user=database["USER"], password=database["PASSWORD"], host=database["HOST"],
    port=database["PORT"] or 5432,
)
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database["NAME"])))
    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
PY
$BIN/python manage.py migrate --noinput >/dev/null
$BIN/python manage.py load_regions >/dev/null
$BIN/python manage.py seed_demo --allow-production >/dev/null

# A staff session (with a CSRF pair, so that its writes are tried too) and a registered job seeker's token.
$BIN/python manage.py shell --no-imports -c '
from django.test import Client
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from core.accounts.models import User
from workers.models import Worker

client = Client()
client.force_login(User.objects.get(username="liuyang_staff"))
seeker = Worker.objects.filter(user__isnull=False).order_by("id").first().user
print(client.cookies["sessionid"].value, get_random_string(32), Token.objects.get_or_create(user=seeker)[0].key)
' >"$work/identities"
read -r session csrf token < <(tail -n 1 "$work/identities")

port=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# gunicorn, as in production (Dockerfile): Django's development server drops some malformed requests itself.
$BIN/gunicorn portal.wsgi:application --bind "127.0.0.1:$port" --workers 2 --error-logfile - >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/server.log"; echo "fuzz: the server did not start" >&2; exit 1; fi
  sleep 1
done

# A fuzzer that is silently refused would fuzz nothing but the sign-in wall: each caller must get in first.
expect_ok() {
  local what=$1
  shift
  if ! curl -fsS -o /dev/null "$@"; then echo "fuzz: $what is refused; its identity is broken" >&2; exit 1; fi
}
expect_ok "the staff session" -H "Cookie: sessionid=$session" "http://127.0.0.1:$port/api/v1/workers/"
expect_ok "the job seeker's token" -H "Authorization: Token $token" "http://127.0.0.1:$port/api/v1/me/"

passed_on=("$@")
failed=()
fuzz() {
  local caller=$1
  shift
  echo
  echo "==> fuzz: as $caller"
  if ! $BIN/schemathesis run "http://127.0.0.1:$port/api/schema/" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance \
    --max-examples "$MAX_EXAMPLES" --max-time "$SECONDS_PER_CALLER" --workers 1 --request-timeout 30 \
    --exclude-path /api/v1/auth/code/ --suppress-health-check all --warnings off \
    --output-truncate true "${passed_on[@]}" "$@"; then
    failed+=("$caller")
  fi
}
fuzz "an anonymous visitor"
fuzz "county staff (session)" -H "Cookie: sessionid=$session; csrftoken=$csrf" -H "X-CSRFToken: $csrf"
fuzz "a job seeker (token)" -H "Authorization: Token $token"

if [ ${#failed[@]} -gt 0 ]; then
  echo
  echo "fuzz: failures as: ${failed[*]}" >&2
  grep -B2 -A20 "Traceback" "$work/server.log" | tail -n 80 >&2 || true
  exit 1
fi
echo
echo "fuzz: no server error and no schema violation as any of the three callers"
