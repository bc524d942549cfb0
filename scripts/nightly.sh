#!/usr/bin/env bash
# The nightly retraining job, for cron or a systemd timer: runs `firerisk nightly` from the
# project folder. Arguments pass through (e.g. --config /etc/firerisk.yaml --json).
# Exit codes: 0 ok, 1 failure, 2 usage/configuration error, 3 input data missing or invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node src/cli/bin.mjs nightly "$@"
