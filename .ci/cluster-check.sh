#!/usr/bin/env bash
# CI step, after npm test: the README's cluster recipes, run for real on this machine, for a small
# Figure 1(a) in 4 shards. Each merged result must equal a single run's, byte for byte.
# - Slurm: a single-node cluster (scripts/slurm/up.sh, as root); scripts/slurm/fig1.sbatch submitted
#   unchanged as an array of 4, then scripts/slurm/fig1-merge.sbatch after it (afterok).
# - Kubernetes (no cluster here): the pod scripts of scripts/k8s/fig1.yaml and fig1-merge.yaml, run
#   by sh with JOB_COMPLETION_INDEX 0..3 and the env the Job would give them.
# Sizes go in through the recipes' own variables (FIG1_FLAGS, FIG1_OUT; SHARDS, WORKERS for the pods).
# Ends with "N passed, N failed" and exits 1 on any failure, daemons that do not start included.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

FLAGS="--part a --depths 4,8,16 --nets 30 --seed 7"
NSHARDS=4
unset SHARDS WORKERS   # the recipes' own: Slurm derives them, the Job env sets them (below)
WAIT=${CLUSTER_CHECK_TIMEOUT:-300}   # seconds for the Slurm jobs
OUTPUTS="fig1a.csv fig1a.svg fig1a.png"

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
finish() { echo "cluster check: ${SECONDS}s"; echo "$passed passed, $failed failed"; exit $((failed > 0)); }
same_outputs() { local f; for f in $OUTPUTS; do cmp "$tmp/single/$f" "$1/$f" || return 1; done; }
# The shards' logs hold every cell of the single run (merge.js refuses to finish without them).
shard_logs() {
  [ "$(find "$1" -name "fig1a.shard-*-of-$NSHARDS.jsonl" | wc -l)" = "$NSHARDS" ] &&
    [ "$(cat "$1"/fig1a.shard-*-of-"$NSHARDS".jsonl | wc -l)" = "$(wc -l < "$tmp/single/fig1a.jsonl")" ]
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cluster-check.XXXXXX")
slurm=""
cleanup() {
  [ -n "$slurm" ] && scripts/slurm/down.sh "$slurm"
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap "exit 130" INT TERM

echo "single run: node lib/experiments/fig1.js $FLAGS"
# shellcheck disable=SC2086  # FLAGS is a list of flags
single() { node lib/experiments/fig1.js $FLAGS --out "$tmp/single" --workers 1 > "$tmp/single.txt"; }
check "single run" single

# ---- Slurm ----
if slurm=$(scripts/slurm/up.sh); then ok "slurm cluster up (slurmctld, slurmd, munged; node idle)"; else
  slurm=""; bad "slurm cluster up: the daemons did not start (see above)"; finish
fi
export SLURM_CONF=$slurm/slurm.conf
export FIG1_FLAGS=$FLAGS FIG1_OUT=$tmp/slurm-out
job=$(sbatch --parsable --array=1-$NSHARDS --cpus-per-task=1 --output="$tmp/slurm-%A_%a.out" scripts/slurm/fig1.sbatch) \
  && job=${job%%;*} \
  && merge=$(sbatch --parsable --dependency=afterok:"$job" --output="$tmp/slurm-merge-%j.out" scripts/slurm/fig1-merge.sbatch) \
  && merge=${merge%%;*}
if [ -n "${merge:-}" ]; then
  ok "sbatch: array job $job (1-$NSHARDS), merge job $merge (afterok:$job)"
  # A failed task leaves the afterok merge pending for ever: stop waiting then, not after WAIT.
  done_within() {
    local t
    for ((t = 0; t < WAIT; t += 2)); do
      [ -z "$(squeue -h -j "$job,$merge")" ] && return
      if squeue -h -j "$merge" -o %r | grep -q DependencyNeverSatisfied; then echo "an array task failed: merge job $merge can never start"; return 1; fi
      sleep 2
    done
    return 1
  }
  check "jobs done within ${WAIT}s" done_within
  # Finished jobs stay in slurmctld's memory for MinJobAge (300 s): one line per array task.
  states=$(scontrol -o show job "$job"; scontrol -o show job "$merge")
  echo "$states" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobName|JobState|ExitCode)=/) printf "%s ", $i; print "" }'
  check "array tasks 1-$NSHARDS COMPLETED with exit 0" \
    test "$(echo "$states" | grep 'JobName=fig1 ' | grep -c 'JobState=COMPLETED .*ExitCode=0:0')" = "$NSHARDS"
  check "merge job COMPLETED with exit 0" test "$(echo "$states" | grep 'JobName=fig1-merge ' | grep -c 'JobState=COMPLETED .*ExitCode=0:0')" = 1
  check "$NSHARDS shard logs in FIG1_OUT, holding every cell" shard_logs "$FIG1_OUT"
  check "slurm: merged $OUTPUTS byte-identical to the single run" same_outputs "$FIG1_OUT"
  [ "$failed" = 0 ] || for f in "$tmp"/slurm-*.out; do echo "--- $f"; tail -n 20 "$f"; done
else
  bad "sbatch refused the recipe"
fi
pids=$(cat "$slurm"/pids/*)
scripts/slurm/down.sh "$slurm"; slurm=""
gone() { local p; for p in $pids; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
check "slurm daemons stopped (pids ${pids//$'\n'/ })" gone
unset SLURM_CONF

# ---- Kubernetes Indexed Job, pod by pod ----
# The pod script is the YAML block under 'command: [sh, -c, |]', lines indented deeper than '- |'.
pod_script() { awk '/^ *- \|$/ { n = index($0, "-"); on = 1; next } on && match($0, /^ */) && RLENGTH > n { print substr($0, n + 2); next } on { exit }' "$1"; }
export FIG1_FLAGS=$FLAGS FIG1_OUT=$tmp/k8s-out
k8s_ok=1
for ((i = 0; i < NSHARDS; i++)); do
  JOB_COMPLETION_INDEX=$i SHARDS=$NSHARDS WORKERS=1 sh -c "$(pod_script scripts/k8s/fig1.yaml)" 2> "$tmp/k8s-$i.err" > /dev/null \
    || { k8s_ok=0; cat "$tmp/k8s-$i.err"; }
done
check "k8s: pods 0-$((NSHARDS - 1)) of scripts/k8s/fig1.yaml exit 0" test "$k8s_ok" = 1
check "k8s: $NSHARDS shard logs in FIG1_OUT, holding every cell" shard_logs "$FIG1_OUT"
pod_merge() { sh -c "$(pod_script scripts/k8s/fig1-merge.yaml)" > "$tmp/k8s-merge.txt"; }
check "k8s: scripts/k8s/fig1-merge.yaml exits 0" pod_merge
check "k8s: merged $OUTPUTS byte-identical to the single run" same_outputs "$FIG1_OUT"

finish
