#!/usr/bin/env bash
# Runs scripts/demo.sh against BUILD_DIR and checks the story it prints.
set -uo pipefail
build=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$FG_SOURCE_DIR/scripts/demo.sh" "$build" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$out"
rc=${PIPESTATUS[0]}
failures=0
expect() { # DESCRIPTION PATTERN [COUNT]
  local n
  n=$(grep -cF -- "$2" "$out")
  if [[ -n ${3:-} ]] && [[ $n -ne $3 ]] || [[ -z ${3:-} && $n -eq 0 ]]; then
    echo "FAIL: $1: expected ${3:-some} line(s) with: $2 (found $n)"
    failures=$((failures + 1))
  fi
}
section() { sed -n "/^== $1/,/^== /p" "$out"; }
[[ $rc -eq 0 ]] || { echo "FAIL: demo exited $rc"; failures=$((failures + 1)); }
expect "the pipeline validates" "ok: the pipeline is valid"
expect "Freight IDs printed" "15317018bfd430928c2bb2ecc4cd79fbe644bf16"
section "1\." | grep -qF "POST /validate -> allowed" || { echo "FAIL: step 1 not allowed"; failures=$((failures + 1)); }
section "1\." | grep -qF '"path":"/spec/source/targetRevision","value":"c0ffee00d15ea5e5b0a710adf00dfacecafe0123"' ||
  { echo "FAIL: step 1 patch does not pin targetRevision"; failures=$((failures + 1)); }
section "2\." | grep -qF 'denied the request: Application "guestbook-prod"' ||
  { echo "FAIL: step 2 not denied as kubectl shows it"; failures=$((failures + 1)); }
section "4\." | grep -qF "POST /validate -> allowed" || { echo "FAIL: step 4 not allowed"; failures=$((failures + 1)); }
section "5\." | grep -qF 'denied the request:' || { echo "FAIL: step 5 not denied"; failures=$((failures + 1)); }
expect "exactly two denials" 'Error from server (Forbidden): admission webhook "applications.freightgate.io" denied the request: ' 2
expect "the CMP render diff shows the new image" "+      - image: ghcr.io/akuity/guestbook:v0.0.3@sha256:395a642f"
expect "the CMP render diff shows the old image" "-      - image: ghcr.io/akuity/guestbook:v0.0.1@sha256:ae5bcf31"
expect "the webhook drained and exited" "exit code 0"
if [[ $failures -gt 0 ]]; then
  echo "--- demo output ---"; cat "$out"
  exit 1
fi
echo "demo story checked"
