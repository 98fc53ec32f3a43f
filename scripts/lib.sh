# Shared by scripts/run.sh and scripts/run-cluster.sh: start the servers on 127.0.0.1, wait for them,
# and stop them all on Ctrl-C or when the script ends.
HOST=127.0.0.1
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

start_actions() {  # port log
  echo "==> Starting an action server on $HOST:$1 (log: $2)"
  SANIC_HOST=$HOST .venv/bin/python -m rasa_sdk --actions actions --port "$1" >"$2" 2>&1 &
  pids+=($!)
}

write_endpoints() {  # file actions-url
  # The back ends come from the environment (deploy/endpoints.py): SQLite by default; TRACKER_DB_URL for
  # PostgreSQL, REDIS_URL for the Redis lock store.
  ACTIONS_URL=${ACTIONS_URL:-$2} .venv/bin/python -m deploy.endpoints "$1"
}

start_rasa() {  # port endpoints log
  # Rasa's HTTP API (conversation trackers, model control) stays off unless a token is set.
  local api_args=()
  if [ -n "${RASA_API_TOKEN:-}" ]; then api_args=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
  echo "==> Starting a Rasa server on $HOST:$1 (log: $3)"
  .venv/bin/rasa run --model models/ahsct.tar.gz --interface "$HOST" --port "$1" \
    --endpoints "$2" --credentials credentials.yml "${api_args[@]}" --cors $CORS_ORIGINS >"$3" 2>&1 &
  pids+=($!)
}

start_page() {  # port rasa-url
  echo "==> Starting the demo web page on $HOST:$1 (log: logs/web.log)"
  .venv/bin/python -m web.page_server --host "$HOST" --port "$1" --rasa-url "$2" >logs/web.log 2>&1 &
  pids+=($!)
}

say_running() {  # rasa-port web-port
  cat <<MSG

AHSCT Guide is running.
  Open the demo page with the chat widget:  http://$HOST:$2/
  Chat over REST:  curl -s -XPOST http://$HOST:$1/webhooks/rest/webhook \\
                     -H 'Content-Type: application/json' -d '{"sender":"me","message":"Is any stem cell therapy approved?"}'
  socket.io:       http://$HOST:$1/socket.io
Press Ctrl-C to stop.
MSG
}

keep_running() {
  wait -n "${pids[@]}"
  echo "==> A server stopped unexpectedly; see logs/"
  exit 1
}
