#!/usr/bin/env bash
# Renders resources/icons/tracktally-recovery.svg into the PNG sizes the package installs
# (resources/icons/<N>x<N>/tracktally-recovery.png). Needs rsvg-convert (Debian: librsvg2-bin).
# The PNGs are committed, so building the package does not need this tool; run it after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
command -v rsvg-convert >/dev/null || { echo "render-icons: install librsvg2-bin (rsvg-convert)" >&2; exit 1; }
for n in 16 22 24 32 48 64 128 256; do
  mkdir -p "${n}x${n}"
  rsvg-convert -w "$n" -h "$n" -o "${n}x${n}/tracktally-recovery.png" tracktally-recovery.svg
done
