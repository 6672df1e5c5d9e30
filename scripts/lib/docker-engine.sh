#!/usr/bin/env bash
# The Docker engine for the test suite's containers, from Debian's packages: sourced by
# scripts/test.sh.
#
#   engine_answers                     whether an engine answers on this machine (DOCKER_HOST or the socket)
#   engine_start LOG                   installs docker.io when dockerd is missing and starts dockerd in
#                                      the background, logging to LOG (root); returns 1 with the reason in
#                                      $engine_failure when neither works
#   engine_stop                        stops the dockerd that engine_start started, if it did
#   containers_remove_owned OWNER      removes the test containers labelled with OWNER
#   containers_remove_orphaned         removes test containers whose owner process is gone (a crashed run)
#   process_owner_id PID               the owner name of a process: PID:start time (field 22 of /proc/PID/stat)
#
# dockerd runs with --iptables=false --ip-forward=false --ip-masq=false: the host's firewall and
# forwarding stay as they are. Containers then reach only the host, and published ports still
# work through docker-proxy, which is all the tests need.
set -euo pipefail

# Written on every test container by tests/Compozy.Data.Testing (TestContainerOwner).
readonly CONTAINER_OWNER_LABEL=org.compozy.data.test-owner

engine_pid=
engine_failure=

engine_answers() { docker info >/dev/null 2>&1; }

engine_start() {
  local log=$1
  if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      engine_failure="dockerd is not installed and installing it needs root"
      return 1
    fi
    echo "docker-engine: installing docker.io from Debian" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null; }; then
      engine_failure="apt-get install docker.io failed"
      return 1
    fi
  fi
  if [ "$(id -u)" -ne 0 ]; then
    engine_failure="no engine answers and starting dockerd needs root"
    return 1
  fi
  echo "docker-engine: starting dockerd (log: $log)" >&2
  setsid dockerd --iptables=false --ip-forward=false --ip-masq=false >"$log" 2>&1 </dev/null &
  engine_pid=$!
  local waited=0
  until engine_answers; do
    if ! kill -0 "$engine_pid" 2>/dev/null; then
      engine_pid=
      engine_failure="dockerd exited at start: $(tail -n 3 "$log" | tr '\n' ' ' | sed 's/ *$//')"
      return 1
    fi
    if [ "$waited" -ge 60 ]; then
      engine_stop
      engine_failure="dockerd did not answer within 60 s: $(tail -n 3 "$log" | tr '\n' ' ' | sed 's/ *$//')"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

engine_stop() {
  [ -n "$engine_pid" ] || return 0
  kill -TERM "$engine_pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$engine_pid" 2>/dev/null && [ "$waited" -lt 30 ]; do
    sleep 1
    waited=$((waited + 1))
  done
  kill -KILL "$engine_pid" 2>/dev/null || true
  engine_pid=
}

process_owner_id() {
  local pid=$1 stat
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # The command name (field 2) may hold spaces: the fields after its ')' start at field 3.
  echo "$pid:$(echo "${stat##*) }" | cut -d' ' -f20)"
}

# Prints how many it removed. Waits until they are gone: one a test host was removing as it was
# killed is still listed, and would be left half-removed if the engine stopped now.
containers_remove() {
  local ids waited=0
  ids=$(docker ps -aq --filter label=org.testcontainers=true "$@")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id per word
    docker rm --force --volumes $ids >/dev/null 2>&1 || true
    while [ -n "$(docker ps -aq --filter label=org.testcontainers=true "$@")" ] && [ "$waited" -lt 30 ]; do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  echo "$ids" | grep -c . || true
}

containers_remove_owned() {
  containers_remove --filter "label=$CONTAINER_OWNER_LABEL=$1"
}

containers_remove_orphaned() {
  local removed=0 owner
  for owner in $(docker ps -a --filter label=org.testcontainers=true --filter "label=$CONTAINER_OWNER_LABEL" \
    --format "{{.Label \"$CONTAINER_OWNER_LABEL\"}}" | sort -u); do
    if [ "$(process_owner_id "${owner%%:*}" 2>/dev/null)" != "$owner" ]; then
      removed=$((removed + $(containers_remove_owned "$owner")))
    fi
  done
  echo "$removed"
}
