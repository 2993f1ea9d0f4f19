#!/usr/bin/env bash
# The main job on the embedded default: the real offline tools on examples/.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
echo "== freightgate validate examples/guestbook"
"$build/cli/freightgate" validate -f examples/guestbook && echo "ok: the pipeline is valid"
echo "== Freight IDs (Kargo's names) of examples/guestbook/freight.yaml"
"$build/cli/freightgate" freight id -f examples/guestbook/freight.yaml
