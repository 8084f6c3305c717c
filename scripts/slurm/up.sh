#!/usr/bin/env bash
# Bring up a single-node Slurm cluster on this machine, as root, without systemd:
# munged (as the munge user) + slurmctld + slurmd, every file in one new temp folder.
#
#   dir=$(scripts/slurm/up.sh)          # prints the folder on stdout, progress on stderr
#   export SLURM_CONF=$dir/slurm.conf   # then sinfo, sbatch, squeue, scontrol talk to it
#   scripts/slurm/down.sh "$dir"        # stop the daemons by PID and remove the folder
#
# The daemons listen on 127.0.0.1 only, on the first free ports from 6817 up (SLURM_PORT overrides).
# Installs slurm-wlm and munge with apt-get when missing. Exits 1, with the daemons' logs, when the
# node is not idle within UP_TIMEOUT seconds (default 60); nothing is left running then.
set -euo pipefail

say() { printf 'slurm-up: %s\n' "$*" >&2; }
die() { printf 'slurm-up: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it starts munged and the Slurm daemons)"

need=()
for cmd in munged slurmctld slurmd sinfo sbatch; do command -v "$cmd" >/dev/null || need=(slurm-wlm munge); done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
  "${apt[@]}" install "${need[@]}" >&2 || { "${apt[@]}" update >&2 && "${apt[@]}" install "${need[@]}" >&2; } \
    || die "apt-get install ${need[*]} failed"
fi
id munge >/dev/null 2>&1 || die "no 'munge' user (the munge package creates it)"

host=$(hostname -s)
cpus=$(nproc)
dir=$(mktemp -d "${TMPDIR:-/tmp}/slurm-local.XXXXXX")
chmod 755 "$dir"   # munged, running as munge, must reach its folder inside
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/pids"
chown munge:munge "$dir/munge"
chmod 755 "$dir/munge"   # clients need to reach the socket

# Anything that fails from here on stops what was started and removes the folder.
started=0
cleanup() {
  if [ "$started" = 0 ]; then
    for f in "$dir"/*.out "$dir"/*.log "$dir"/munge/munged.log; do
      [ -s "$f" ] && { printf '\n--- %s (last 20 lines) ---\n' "$f"; tail -n 20 "$f"; } >&2
    done
    "$(dirname "$0")/down.sh" "$dir" >&2 || true
  fi
}
trap cleanup EXIT

# The key: 1024 random bytes, readable by munge alone.
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chown munge:munge "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"

# Two ports in a row that nothing on 127.0.0.1 answers on.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p=$1
  while listening "$p" || listening $((p + 1)); do p=$((p + 2)); done
  echo "$p"
}
ctld_port=$(free_port "${SLURM_PORT:-6817}")
slurmd_port=$((ctld_port + 1))

cat > "$dir/slurm.conf" <<EOF
# A single-node cluster for checks (scripts/slurm/up.sh); everything lives in $dir.
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf

# Start a daemon in the foreground, in the background; remember its PID for down.sh.
start() {
  local name=$1; shift
  "$@" < /dev/null > "$dir/$name.out" 2>&1 &
  echo $! > "$dir/pids/$name"
  say "started $name (pid $!)"
}
start munged setpriv --reuid=munge --regid=munge --init-groups -- munged -F \
  --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" --log-file="$dir/munge/munged.log" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed"
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$dir/munge/munge.socket" ] || die "munged did not create its socket"
start slurmctld slurmctld -D
start slurmd slurmd -D

# Wait for the node to be idle; a daemon that exits early fails at once.
timeout=${UP_TIMEOUT:-60}
for ((t = 0; t < timeout * 2; t++)); do
  for name in munged slurmctld slurmd; do
    kill -0 "$(cat "$dir/pids/$name")" 2>/dev/null || { cat "$dir/$name.out" >&2; die "$name exited"; }
  done
  state=$(sinfo -h -N -n "$host" -o %t 2>/dev/null || true)
  if [ "$state" = idle ]; then
    started=1
    say "node $host idle ($cpus CPUs, slurmctld on 127.0.0.1:$ctld_port) in $dir"
    echo "$dir"
    exit 0
  fi
  sleep 0.5
done
die "node $host not idle after ${timeout}s (sinfo state: '${state:-none}')"
