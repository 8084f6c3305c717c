#!/usr/bin/env bash
# Stop a cluster started by scripts/slurm/up.sh and remove its folder:
#   scripts/slurm/down.sh DIR
# Cancels its jobs, then stops slurmd, slurmctld and munged by the PIDs up.sh recorded (each checked
# to still be that daemon). KEEP_SLURM_DIR=1 keeps the folder (logs) for a look afterwards.
set -uo pipefail

say() { printf 'slurm-down: %s\n' "$*" >&2; }
dir=${1:?usage: down.sh DIR (the folder up.sh printed)}
[ -f "$dir/slurm.conf" ] && [ -d "$dir/pids" ] || { say "error: $dir is not a folder made by up.sh"; exit 2; }
export SLURM_CONF=$dir/slurm.conf

alive() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
pid_of() { cat "$dir/pids/$1" 2>/dev/null; }

if alive "$(pid_of slurmctld)" slurmctld; then
  scancel --quiet --full --user root 2>/dev/null || true
  for _ in $(seq 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
fi

for name in slurmd slurmctld munged; do
  pid=$(pid_of "$name")
  alive "$pid" "$name" || continue
  kill -TERM "$pid"
  for _ in $(seq 50); do alive "$pid" "$name" || break; sleep 0.2; done
  if alive "$pid" "$name"; then kill -KILL "$pid"; say "$name (pid $pid) killed"; else say "$name (pid $pid) stopped"; fi
done

if [ "${KEEP_SLURM_DIR:-0}" = 1 ]; then say "kept $dir"; else rm -rf -- "$dir"; fi
