#!/usr/bin/env bash
# Start the action server, the Rasa server and the demo web page on 127.0.0.1, wait until they answer,
# say where to chat, and stop them all on Ctrl-C. Called by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
WEB_PORT=${WEB_PORT:-8080}
HOST=127.0.0.1
# The web pages allowed to talk to the bot (space-separated origins): REST CORS and the socket.io origin check.
export CORS_ORIGINS=${CORS_ORIGINS:-http://$HOST:$WEB_PORT}
mkdir -p var logs

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> Stopping AHSCT Guide"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

wait_for() {  # name url log
  printf '==> Waiting for %s ' "$1"
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then echo " ready"; return 0; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo " failed; see $3"; tail -n 20 "$3"; exit 1; }
    done
    printf '.'; sleep 1
  done
  echo " timed out; see $3"; exit 1
}

echo "==> Starting the action server on $HOST:$ACTIONS_PORT (log: logs/actions.log)"
SANIC_HOST=$HOST .venv/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" >logs/actions.log 2>&1 &
pids+=($!)

# The back ends come from the environment (deploy/endpoints.py): SQLite by default; TRACKER_DB_URL for
# PostgreSQL, REDIS_URL for the Redis lock store. ENDPOINTS names a hand-written file instead.
if [ -z "${ENDPOINTS:-}" ]; then
  ENDPOINTS=var/endpoints.run.yml
  ACTIONS_URL=${ACTIONS_URL:-http://$HOST:$ACTIONS_PORT/webhook} .venv/bin/python -m deploy.endpoints "$ENDPOINTS"
fi
# Rasa's HTTP API (conversation trackers, model control) stays off unless a token is set.
api_args=()
if [ -n "${RASA_API_TOKEN:-}" ]; then api_args=(--enable-api --auth-token "$RASA_API_TOKEN"); fi

echo "==> Starting the Rasa server on $HOST:$RASA_PORT (log: logs/rasa.log)"
.venv/bin/rasa run --model models/ahsct.tar.gz --interface "$HOST" --port "$RASA_PORT" \
  --endpoints "$ENDPOINTS" --credentials credentials.yml "${api_args[@]}" \
  --cors $CORS_ORIGINS >logs/rasa.log 2>&1 &
pids+=($!)

echo "==> Starting the demo web page on $HOST:$WEB_PORT (log: logs/web.log)"
.venv/bin/python -m web.page_server --host "$HOST" --port "$WEB_PORT" --rasa-url "http://$HOST:$RASA_PORT" \
  >logs/web.log 2>&1 &
pids+=($!)

wait_for "the action server" "http://$HOST:$ACTIONS_PORT/health" logs/actions.log
wait_for "the Rasa server" "http://$HOST:$RASA_PORT/" logs/rasa.log
wait_for "the demo web page" "http://$HOST:$WEB_PORT/" logs/web.log

cat <<MSG

AHSCT Guide is running.
  Open the demo page with the chat widget:  http://$HOST:$WEB_PORT/
  Chat over REST:  curl -s -XPOST http://$HOST:$RASA_PORT/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' -d '{"sender":"me","message":"Is any stem cell therapy approved?"}'
  socket.io:       http://$HOST:$RASA_PORT/socket.io
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "==> A server stopped unexpectedly; see logs/"
exit 1
