#!/bin/bash
# Stop the daemons that scripts/slurm-up.sh started (by their PID files), munged last.
for f in /run/slurm/slurmd.pid /run/slurm/slurmctld.pid /run/munge/munged.pid; do
  [ -s "$f" ] || continue; p=$(cat "$f"); kill "$p" 2>/dev/null || continue
  for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
done
echo "slurm down"
