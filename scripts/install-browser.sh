#!/usr/bin/env bash
# Installs the headless browser test/timeline.test.ts loads the timeline page in (`ranks
# trace job.json -o job.html`): Debian's chromium, and fonts for the page's text in its
# screenshots. Idempotent and quiet: installs only what is missing, and does nothing (exit 0,
# with a note) where apt-get is unavailable; the browser tests then skip with their reason.
set -euo pipefail
. "$(dirname "$0")/apt-packages.sh"

apt_packages install-browser "install Chromium yourself, or set RANKS_CHROMIUM to a Chrome/Chromium binary (the timeline page's browser tests skip without one)" chromium fonts-dejavu-core
