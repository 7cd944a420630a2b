#!/usr/bin/env bash
# The guide's screenshots (docs/img/*.png) from the demo desk under a virtual X server.
# Needs: apt-get install -y xvfb libxcb-cursor0 (Qt's xcb platform plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
command -v xvfb-run >/dev/null || { echo "xvfb-run missing: apt-get install -y xvfb libxcb-cursor0" >&2; exit 1; }
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$PY" tools/screenshots.py "${1:-en}"
