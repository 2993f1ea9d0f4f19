#!/usr/bin/env bash
# The main job on the embedded default, no cluster needed: the offline tools on
# examples/guestbook, then freightgate-webhook on 127.0.0.1 over real HTTPS (a throw-away CA
# made with openssl) walking through a promotion story with curl, as kube-apiserver would call it:
#   1. alice promotes Freight jolly-jaguar (v0.0.3) to dev        -> allowed, pins patched in
#   2. rita promotes it to prod before staging verified it         -> denied
#   3. CI verifies it in staging; rita, a release manager, approves
#      it for prod                                                  -> allowed (and recorded)
#   4. rita promotes it to prod again                              -> allowed
#   5. the same promotion on Friday evening, in the freeze window  -> denied
# The webhook runs with a fixed clock (--now) so the story is the same on any day. It stops
# (SIGTERM, graceful drain) at the end and leaves nothing behind.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
root=$PWD
[[ $build == /* ]] || build=$root/$build
export FG_WEBHOOK=$build/webhook/freightgate-webhook FG_SOURCE_DIR=$root
# shellcheck source=../tests/integration/webhook/lib.sh
source tests/integration/webhook/lib.sh
trap fg_cleanup EXIT

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }

if [[ -x $build/cli/freightgate ]]; then
  bold "freightgate validate -f examples/guestbook"
  "$build/cli/freightgate" validate -f examples/guestbook && say "ok: the pipeline is valid"
  if "$build/cli/freightgate" freight id -f examples/guestbook/freight.yaml >"$fg_tmp/ids" 2>/dev/null; then
    bold "Freight IDs (Kargo's names) of examples/guestbook/freight.yaml"
    sed 's/^/   /' "$fg_tmp/ids"
  fi
fi

# The state directory is a copy, so that the approval in step 3 can be recorded in it (as the
# API server would store the object the webhook admitted); the webhook re-reads it on change.
state=$fg_tmp/state
cp -r examples/guestbook "$state"
bold "a throw-away CA and serving certificate (openssl), webhook on 127.0.0.1"
make_ca
make_cert webhook
install_tls "$fg_tmp/pki/webhook.crt" "$fg_tmp/pki/webhook.key"
thursday=2026-11-26T10:00:00Z
friday_evening=2026-11-27T19:00:00Z
start_server --state "dir:$state" --now "$thursday"
say "freightgate-webhook --listen 127.0.0.1:$fg_port --state dir:examples/guestbook --now $thursday"
say "$(fg_curl "https://localhost:$fg_port/readyz") (GET /readyz)"

webhook_name=applications.freightgate.io
n=0
# review_call PATH REVIEW_FILE: POST it; prints the outcome the way kubectl shows it.
review_call() {
  n=$((n + 1))
  local out=$fg_tmp/out-$n.json code
  code=$(post "$1" "$2" "$out")
  if [[ $code != 200 ]]; then
    say "HTTP $code: $(cat "$out")"
    return 1
  fi
  if [[ $(jq -r .response.allowed "$out") == true ]]; then
    say "POST $1 -> allowed"
  else
    say "POST $1 -> denied; kubectl prints:"
    say "Error from server ($(jq -r '.response.status.reason // "Forbidden"' "$out")): admission webhook \"$webhook_name\" denied the request: $(jq -r .response.status.message "$out")"
  fi
  last_out=$out
}

# promote APP FREIGHT USER GROUP: mutate (show the patch, apply it as the API server does), then
# validate the patched object. Returns non-zero when denied.
promote() {
  local review=$fg_tmp/review-$n.json
  promotion_review "$(cat /proc/sys/kernel/random/uuid)" "$1" "$2" "$3" "$4" >"$review"
  say "$3 sets freightgate.io/freight: $2 on Application $1"
  review_call /mutate "$review" || return 1
  local obj=$fg_tmp/obj-$n.json
  jq '.request.object' "$review" >"$obj"
  if [[ -n $(jq -r '.response.patch // empty' "$last_out") ]]; then
    say "the mutating webhook pins the promotion (JSON Patch, decoded):"
    decoded_patch "$last_out" | jq -c '.[]' | sed 's/^/     /'
    kubectl patch --local -f "$obj" --type=json -p "$(decoded_patch "$last_out")" -o json >"$obj.patched"
    mv "$obj.patched" "$obj"
  fi
  local v=$fg_tmp/validate-$n.json
  app_review "$(cat /proc/sys/kernel/random/uuid)" UPDATE "$3" "$4" "$(cat "$obj")" "$(app "$1")" >"$v"
  review_call /validate "$v"
  [[ $(jq -r .response.allowed "$last_out") == true ]]
}

bold "1. alice promotes jolly-jaguar (v0.0.3) to dev"
promote guestbook-dev jolly-jaguar alice@example.com guestbook-developers ||
  fail "step 1 should be allowed"

bold "2. rita promotes jolly-jaguar to prod before staging verified it"
! promote guestbook-prod jolly-jaguar rita@example.com guestbook-release-managers ||
  fail "step 2 should be denied"

# freight_status USER GROUP JQ_EDIT: a freights/status UPDATE of jolly-jaguar through
# /validate; when allowed, recorded in the state directory as the API server would store it
# (written aside, then renamed, so the webhook never reads half a file).
freight_name=15317018bfd430928c2bb2ecc4cd79fbe644bf16
freight_status() {
  local old new
  old=$(yq -c "select(.kind == \"Freight\" and .metadata.name == \"$freight_name\")" "$state/freight.yaml")
  new=$(jq -c "$3" <<<"$old")
  jq -n --argjson obj "$new" --argjson old "$old" --arg user "$1" --arg group "$2" '{
    apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
    request: {uid: "d3a0c4e2-5a7e-4d8e-9a51-3c1f0000000\($user | length)",
      kind: {group: "kargo.akuity.io", version: "v1alpha1", kind: "Freight"},
      resource: {group: "kargo.akuity.io", version: "v1alpha1", resource: "freights"},
      subResource: "status", name: $obj.metadata.name, namespace: $obj.metadata.namespace,
      operation: "UPDATE", userInfo: {username: $user, groups: [$group, "system:authenticated"]},
      object: $obj, oldObject: $old, dryRun: false}}' >"$fg_tmp/status.json"
  say "$1 updates freights/jolly-jaguar/status: $3"
  review_call /validate "$fg_tmp/status.json"
  [[ $(jq -r .response.allowed "$last_out") == true ]] || return 1
  local reloads
  reloads=$(grep -c '"msg":"state reloaded"' "$fg_tmp/server.log" || true)
  yq -y --arg name "$freight_name" "if .kind == \"Freight\" and .metadata.name == \$name then $3 else . end" \
    "$state/freight.yaml" >"$state/.freight.yaml.new"
  mv "$state/.freight.yaml.new" "$state/freight.yaml"
  wait_until 10 bash -c "[[ \$(grep -c '\"msg\":\"state reloaded\"' '$fg_tmp/server.log') -gt $reloads ]]" ||
    fail "the webhook did not pick up the change"
  say "recorded in the state directory; the webhook reloaded it"
}

bold "3. CI verifies jolly-jaguar in staging, then rita (release manager) approves it for prod"
freight_status system:serviceaccount:guestbook:ci system:serviceaccounts \
  ".status.verifiedIn.staging.verifiedAt = \"$thursday\"" || fail "step 3 (verify) should be allowed"
freight_status rita@example.com guestbook-release-managers \
  ".status.approvedFor.prod.approvedAt = \"$thursday\"" || fail "step 3 (approve) should be allowed"

bold "4. rita promotes jolly-jaguar to prod again"
promote guestbook-prod jolly-jaguar rita@example.com guestbook-release-managers ||
  fail "step 4 should be allowed"

bold "the CMP renders prod, as Argo CD's repo-server would, before and after the promotion"
# argocd-cmp-server runs the plugin in a fresh copy of the repository with cwd = the app path
# and the Application's plugin env as ARGOCD_ENV_*; no shell, no network, no cluster.
cmp=$build/cmp-plugin/freightgate-cmp
render_prod() { # FREIGHT IMAGES OUT
  local repo=$fg_tmp/repo-$RANDOM
  cp -r examples/guestbook/gitops "$repo"
  (cd "$repo/env/prod" && env -i PATH="$PATH" HOME="$fg_tmp" ARGOCD_APP_NAME=guestbook-prod \
    ARGOCD_APP_NAMESPACE=guestbook-prod ARGOCD_APP_SOURCE_PATH=env/prod \
    ARGOCD_APP_SOURCE_REPO_URL=https://github.com/example/guestbook-gitops.git \
    ARGOCD_APP_PARAMETERS=null ARGOCD_ENV_FREIGHT="$1" ARGOCD_ENV_STAGE=prod \
    ARGOCD_ENV_PROJECT=guestbook ARGOCD_ENV_IMAGES="$2" "$cmp" generate >"$3")
}
render_prod 93afe3ae59d445f27849cde1141aeefbd9d6954e \
  ghcr.io/akuity/guestbook:v0.0.1@sha256:ae5bcf31543244e0bc0b0a14a4374ae2f199eebe805de0ad58f20d36b5d5649b \
  "$fg_tmp/prod-before.yaml"
render_prod 15317018bfd430928c2bb2ecc4cd79fbe644bf16 \
  ghcr.io/akuity/guestbook:v0.0.3@sha256:395a642f6243d6708c8d2ab2df70c30b48a50de0f414d1a46f49b14825d6629e \
  "$fg_tmp/prod-after.yaml"
say "freightgate-cmp generate: $(grep -c '^kind:' "$fg_tmp/prod-after.yaml") objects; what the promotion changes:"
diff -u "$fg_tmp/prod-before.yaml" "$fg_tmp/prod-after.yaml" | tail -n +3 | grep '^[-+]' | sed 's/^/     /' || true

bold "5. Friday evening (--now $friday_evening, 20:00 in Berlin): the freeze window"
stop_server
start_server --state "dir:$state" --now "$friday_evening"
! promote guestbook-prod jolly-jaguar rita@example.com guestbook-release-managers ||
  fail "step 5 should be denied"

bold "the decision log (one JSON line per review; bodies are never logged)"
grep '"msg":"admission"' "$fg_tmp/server.log" | tail -2 | sed 's/^/   /'
bold "stopping the webhook (SIGTERM: readiness off, drain, exit)"
stop_server
say "exit code $fg_exit_code; $(grep -o '"msg":"drained[^"]*"' "$fg_tmp/server.log" | tail -1)"
