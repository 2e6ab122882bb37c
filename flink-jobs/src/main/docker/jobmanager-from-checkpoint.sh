#!/usr/bin/env bash
# The JobManager of docker-compose.yml: runs the payment health job in Flink's application mode
# (`standalone-job`), resumed from its newest retained checkpoint when there is one.
#
# Without this, every start of the container (a crash, a host reboot, `docker compose up` after a
# rebuild) would submit the job with empty state: the open windows, the 72 h of event ids that drop
# Stripe's redeliveries, every detector's learned baseline, the open incidents and the PagerDuty outbox
# would be gone, and it would read on from the consumer group's offsets as if nothing were missing.
#
# A checkpoint is complete when its chk-<n> directory holds _metadata; the newest complete one wins,
# whatever job id wrote it. Arguments are passed on to `standalone-job` (e.g. --job-classname).
# PAYPULSE_CHECKPOINT_DIR (default /opt/flink/checkpoints) and FLINK_ENTRYPOINT (default
# /docker-entrypoint.sh, the Flink image's) exist for tests.
set -euo pipefail

checkpoints="${PAYPULSE_CHECKPOINT_DIR:-/opt/flink/checkpoints}"
entrypoint="${FLINK_ENTRYPOINT:-/docker-entrypoint.sh}"

newest=""
if [[ -d "$checkpoints" ]]; then
  newest="$(find "$checkpoints" -mindepth 3 -maxdepth 3 -type f -name _metadata -path '*/chk-*/_metadata' \
    -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -n 1 | cut -d ' ' -f 2-)"
fi

if [[ -n "$newest" ]]; then
  echo "paypulse: resuming the payment health job from its newest checkpoint, $newest"
  exec "$entrypoint" standalone-job "$@" --fromSavepoint "$newest"
fi
echo "paypulse: no completed checkpoint in $checkpoints: starting the payment health job with empty state"
exec "$entrypoint" standalone-job "$@"
