#!/usr/bin/env bash
# `make run-cluster`: two Rasa servers and two action servers behind nginx on one address, sharing
# PostgreSQL (conversations) and Redis (conversation locks), plus the demo page. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export RASA_PORT=${RASA_PORT:-5005} ACTIONS_PORT=${ACTIONS_PORT:-5055}
export RASA_PORT_1=${RASA_PORT_1:-5101} RASA_PORT_2=${RASA_PORT_2:-5102}
export ACTIONS_PORT_1=${ACTIONS_PORT_1:-5151} ACTIONS_PORT_2=${ACTIONS_PORT_2:-5152}
WEB_PORT=${WEB_PORT:-8080}
export CORS_ORIGINS=${CORS_ORIGINS:-http://$HOST:$WEB_PORT}
# Several servers need a shared tracker store and lock store: these machines' PostgreSQL and Redis by default.
export TRACKER_DB_URL=${TRACKER_DB_URL:-postgresql://postgres@$HOST:5432/ahsct}
export TRACKER_DB_LOGIN_DB=${TRACKER_DB_LOGIN_DB:-test}
export REDIS_URL=${REDIS_URL:-redis://$HOST:6379/0}
export NGINX_DIR=$PWD/var/nginx LOG_DIR=$PWD/logs
mkdir -p var logs "$NGINX_DIR"

envsubst '${NGINX_DIR} ${LOG_DIR} ${RASA_PORT} ${ACTIONS_PORT} ${RASA_PORT_1} ${RASA_PORT_2} ${ACTIONS_PORT_1} ${ACTIONS_PORT_2}' \
  <deploy/nginx.conf.template >"$NGINX_DIR/nginx.conf"
echo "==> Starting nginx on $HOST:$RASA_PORT (Rasa) and $HOST:$ACTIONS_PORT (actions)"
nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" &
nginx_pid=$!
pids+=($nginx_pid)

start_actions "$ACTIONS_PORT_1" logs/actions-1.log
start_actions "$ACTIONS_PORT_2" logs/actions-2.log
write_endpoints var/endpoints.cluster.yml "http://$HOST:$ACTIONS_PORT/webhook"  # the actions, through nginx
start_rasa "$RASA_PORT_1" var/endpoints.cluster.yml logs/rasa-1.log
start_rasa "$RASA_PORT_2" var/endpoints.cluster.yml logs/rasa-2.log
start_page "$WEB_PORT" "http://$HOST:$RASA_PORT"

wait_for "action server 1" "http://$HOST:$ACTIONS_PORT_1/health" logs/actions-1.log
wait_for "action server 2" "http://$HOST:$ACTIONS_PORT_2/health" logs/actions-2.log
wait_for "Rasa server 1" "http://$HOST:$RASA_PORT_1/" logs/rasa-1.log
wait_for "Rasa server 2" "http://$HOST:$RASA_PORT_2/" logs/rasa-2.log
wait_for "nginx" "http://$HOST:$RASA_PORT/" logs/nginx-error.log
wait_for "the demo web page" "http://$HOST:$WEB_PORT/" logs/web.log
say_running "$RASA_PORT" "$WEB_PORT"
# A replica that dies is what the cluster is for: nginx sends its visitors to the other one.
wait "$nginx_pid"
echo "==> nginx stopped; see logs/nginx-error.log"
exit 1
