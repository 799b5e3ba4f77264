#!/usr/bin/env bash
# Installs what test/slurm.test.ts needs to run a throwaway Slurm cluster on this machine
# (scripts/slurm-cluster.sh), from Debian/Ubuntu packages: Slurm's controller, node daemon
# and client commands (slurm-wlm), its plugins (slurm-wlm-basic-plugins: mpi/pmi2 and
# mpi/pmix, proctrack/linuxproc, select/cons_tres), Slurm's PMI2 library, MUNGE for its
# authentication, and iproute2/util-linux, with which the cluster puts each node in its
# own network namespace. Idempotent and quiet: installs only what is missing, and does
# nothing (exit 0, with a note) where apt-get is unavailable; the Slurm tests then skip
# with their reason.
set -euo pipefail

PACKAGES=(slurm-wlm slurm-wlm-basic-plugins slurm-client libpmi2-0 munge iproute2 util-linux)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-slurm: no apt-get here; install Slurm (slurmctld, slurmd, srun) and MUNGE yourself (the Slurm tests skip without them)"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-slurm: ${PACKAGES[*]} already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "install-slurm: missing ${missing[*]}, and not root (no sudo); the Slurm tests will skip"
    exit 0
  fi
fi

echo "install-slurm: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
# The packages' own services (systemd units) are not started here: the tests run their own
# daemons with their own configuration (scripts/slurm-cluster.sh).
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-slurm: done"
