#!/bin/bash
# Bring up a single-node Slurm "cluster" on this machine (slurmctld + slurmd + munged), for the
# Slurm tests (test/cluster/) and for trying `phylab exp <name> --emit slurm --submit` locally.
# Debian 12, as root, without systemd; idempotent (daemons already running are kept).
# Recipe and gotchas: ../shared/docs/slurm-localhost.md (measured: ≈ 12 s from install to an idle node).
#   --install       apt-get install slurm-wlm munge first when they are missing
#   --state-dir D   where the config's spool/state/log/pid files go (default /var/lib/phylab-slurm)
# Prints one line "slurm up: …" on success; exits 1 with the daemons' log tail on failure, and
# exits 3 with a reason when Slurm cannot run here (not root, packages missing).
set -euo pipefail
INSTALL=0; S=/var/lib/phylab-slurm
while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1 ;;
    --state-dir) S="$2"; shift ;;
    --help|-h) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "slurm-up.sh: unknown option $1 (allowed: --install, --state-dir DIR)" >&2; exit 2 ;;
  esac; shift
done
t0=$(date +%s.%N)
[ "$(id -u)" = 0 ] || { echo "slurm-up.sh: needs root (starts munged/slurmctld/slurmd)" >&2; exit 3; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if [ "$INSTALL" = 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  else
    echo "slurm-up.sh: slurmctld/slurmd/munged not installed (Debian: apt-get install slurm-wlm munge; or run with --install)" >&2; exit 3
  fi
fi
t1=$(date +%s.%N)

# munge (authentication): no systemd-tmpfiles here, so /run/munge is made by hand
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
pgrep -u munge -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null

# slurm.conf: one node (this machine, from `slurmd -C`), no cgroups, no accounting database
H=$(hostname -s)
MEM=$(( $(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo) - 1024 ))
NODE=$(slurmd -C | head -1 | sed "s/RealMemory=[0-9]*/RealMemory=$MEM/")
install -d /etc/slurm "$S/ctld" "$S/d" "$S/log" /run/slurm
CONF=/etc/slurm/slurm.conf
if ! grep -q '^# phylab single-node' "$CONF" 2>/dev/null; then
  [ -e "$CONF" ] && cp "$CONF" "$CONF.before-phylab"
  cat > "$CONF" <<CONF
# phylab single-node test cluster (scripts/slurm-up.sh)
ClusterName=local
SlurmctldHost=$H
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$S/ctld
SlurmdSpoolDir=$S/d
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
KillWait=5
SchedulerParameters=kill_invalid_depend
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
fi

# daemons: they fork and write their PID files
alive(){ [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
alive /run/slurm/slurmctld.pid || slurmctld -i
alive /run/slurm/slurmd.pid || slurmd
for i in $(seq 1 60); do sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)$' && break; sleep 0.5; done
sinfo -h -o %T | grep -qE '^(idle|mixed|allocated)$' || { tail -20 "$S"/log/slurm*.log >&2; exit 1; }
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$(sinfo -h -o '%n %c CPUs %T' | head -1)" 'BEGIN{printf "slurm up: %s (install %.1fs, start %.1fs)\n", n, b-a, c-b}'
