#!/usr/bin/env bash
# Installs the Debian 12 packages freightgate builds, tests and demos with.
# Idempotent and quiet when nothing is missing. Needs root (or sudo) only when something is.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache git
  libboost-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libgit2-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev libgoogle-perftools-dev
  openssl curl jq yq python3
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(nginx-light wrk nghttp2-client hyperfine valgrind)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
