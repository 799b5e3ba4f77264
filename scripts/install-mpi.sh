#!/usr/bin/env bash
# Installs what the MPI transport's tests and benchmarks use, from Debian/Ubuntu packages:
# MPICH and Open MPI (libraries, launchers, compiler wrappers) and Debian's mpi4py with
# numpy. Idempotent and quiet: installs only what is missing, and does nothing (exit 0,
# with a note) where apt-get is unavailable; the MPI tests then skip with their reason.
set -euo pipefail
. "$(dirname "$0")/apt-packages.sh"

apt_packages install-mpi "install MPICH, Open MPI and mpi4py yourself (the MPI tests skip without them)" mpich libmpich-dev openmpi-bin libopenmpi-dev python3-mpi4py python3-numpy
