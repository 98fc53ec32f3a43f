#!/usr/bin/env bash
# Start the action server, the Rasa server and the demo web page on 127.0.0.1, wait until they answer,
# say where to chat, and stop them all on Ctrl-C. Called by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
WEB_PORT=${WEB_PORT:-8080}
# The web pages allowed to talk to the bot (space-separated origins): REST CORS and the socket.io origin check.
export CORS_ORIGINS=${CORS_ORIGINS:-http://$HOST:$WEB_PORT}
mkdir -p var logs

start_actions "$ACTIONS_PORT" logs/actions.log
if [ -z "${ENDPOINTS:-}" ]; then  # ENDPOINTS names a hand-written endpoints file instead
  ENDPOINTS=var/endpoints.run.yml
  write_endpoints "$ENDPOINTS" "http://$HOST:$ACTIONS_PORT/webhook"
fi
start_rasa "$RASA_PORT" "$ENDPOINTS" logs/rasa.log
start_page "$WEB_PORT" "http://$HOST:$RASA_PORT"

wait_for "the action server" "http://$HOST:$ACTIONS_PORT/health" logs/actions.log
wait_for "the Rasa server" "http://$HOST:$RASA_PORT/" logs/rasa.log
wait_for "the demo web page" "http://$HOST:$WEB_PORT/" logs/web.log
say_running "$RASA_PORT" "$WEB_PORT"
keep_running
