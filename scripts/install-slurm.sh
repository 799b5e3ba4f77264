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
. "$(dirname "$0")/apt-packages.sh"

apt_packages install-slurm "install Slurm (slurmctld, slurmd, srun) and MUNGE yourself (the Slurm tests skip without them)" slurm-wlm slurm-wlm-basic-plugins slurm-client libpmi2-0 munge iproute2 util-linux
