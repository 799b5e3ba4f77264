#!/usr/bin/env bash
# Installs what the MPI transport's tests and benchmarks use, from Debian/Ubuntu packages:
# MPICH and Open MPI (libraries, launchers, compiler wrappers) and Debian's mpi4py with
# numpy. Idempotent and quiet: installs only what is missing, and does nothing (exit 0,
# with a note) where apt-get is unavailable; the MPI tests then skip with their reason.
set -euo pipefail

PACKAGES=(mpich libmpich-dev openmpi-bin libopenmpi-dev python3-mpi4py python3-numpy)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-mpi: no apt-get here; install MPICH, Open MPI and mpi4py yourself (the MPI tests skip without them)"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-mpi: ${PACKAGES[*]} already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "install-mpi: missing ${missing[*]}, and not root (no sudo); the MPI tests will skip"
    exit 0
  fi
fi

echo "install-mpi: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-mpi: done"
