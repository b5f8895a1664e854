#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine with Node 20
# (the Debian packages nats-server, mosquitto and mosquitto-clients, and the
# locked npm dependencies), then runs every test: build, typecheck, lint,
# unit, integration and end-to-end (standalone and split deployments).
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v nats-server >/dev/null || need+=(nats-server)
command -v mosquitto >/dev/null || need+=(mosquitto)
command -v mosquitto_pub >/dev/null || need+=(mosquitto-clients)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npm test
