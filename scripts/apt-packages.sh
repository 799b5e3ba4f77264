#!/usr/bin/env bash
# Sourced by the install-*.sh scripts: installs the Debian/Ubuntu packages that are
# missing, quietly. Does nothing (returns 0, with a note) where apt-get is unavailable or
# this is not root and there is no sudo; the tests that need the packages then skip with
# their reason.
#   apt_packages NAME WHAT PACKAGE...
# NAME prefixes every line (install-mpi), WHAT says what to install by hand and which tests skip.
apt_packages() {
  local name=$1 what=$2
  shift 2
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: no apt-get here; $what"
    return 0
  fi
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$name: $* already installed"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
      echo "$name: missing ${missing[*]}, and not root (no sudo); $what"
      return 0
    fi
  fi
  echo "$name: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null
  # Packages' own services (systemd units) are not started in containers; tests that need
  # daemons run their own with their own configuration.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "$name: done"
}
