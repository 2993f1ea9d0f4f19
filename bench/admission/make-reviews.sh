#!/usr/bin/env bash
# bench/admission/make-reviews.sh [BUILD_DIR]: writes review-mutate.json and review-validate.json
# here, the AdmissionReviews bench/webhook-load and fg-admission-bench post, as kube-apiserver
# sends them (compact JSON, about 6 KB): alice's `kubectl annotate` of the live guestbook-dev
# Application (with the managedFields and the status a synced Application carries)
# asking for Freight jolly-jaguar (-> /mutate), and the object the webhook's patch produced
# (applied with kubectl patch --local, -> /validate).
# object and oldObject have their keys sorted at every level: an Application is a custom
# resource, which kube-apiserver holds as unstructured.Unstructured and encodes with Go's
# encoding/json over map[string]interface{} (apimachinery's UnstructuredJSONScheme), and Go writes
# map keys sorted. (The envelope, a typed struct, keeps its field order.)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[[ $build == /* ]] || build=$root/$build
export FG_WEBHOOK=$build/webhook/freightgate-webhook FG_SOURCE_DIR=$root
# shellcheck source=../../tests/integration/webhook/lib.sh
source "$root/tests/integration/webhook/lib.sh"
trap fg_cleanup EXIT
T=$fg_tmp
make_ca
make_cert bench
install_tls "$T/pki/bench.crt" "$T/pki/bench.key"

live='
  .metadata += {uid: "2b1f6a52-8a55-4c8e-9d0e-1f9a3c2b7d41", resourceVersion: "918273",
                generation: 42, creationTimestamp: "2026-11-09T09:00:00Z"}
  | .metadata.managedFields = [
      {manager: "kubectl-annotate", operation: "Update", apiVersion: "argoproj.io/v1alpha1",
       time: "2026-11-19T10:01:40Z", fieldsType: "FieldsV1",
       fieldsV1: {"f:metadata": {"f:annotations": {"f:freightgate.io/freight": {},
                  "f:freightgate.io/previous-freight": {}, "f:freightgate.io/promoted-at": {},
                  "f:freightgate.io/promoted-by": {}}},
                  "f:spec": {"f:source": {".": {}, "f:path": {}, "f:plugin": {".": {}, "f:env": {}, "f:name": {}},
                             "f:repoURL": {}, "f:targetRevision": {}}}}},
      {manager: "argocd-application-controller", operation: "Update", apiVersion: "argoproj.io/v1alpha1",
       time: "2026-11-25T16:40:02Z", fieldsType: "FieldsV1",
       fieldsV1: {"f:status": {".": {}, "f:controllerNamespace": {}, "f:health": {}, "f:reconciledAt": {},
                  "f:resources": {}, "f:sourceType": {}, "f:summary": {}, "f:sync": {}}}}]
  | .spec.source as $src | .spec.destination as $dst
  | ($src.targetRevision // "HEAD") as $rev
  | [{version: "v1", kind: "Service", namespace: $dst.namespace, name: "guestbook",
      status: "Synced", health: {status: "Healthy"}},
     {group: "apps", version: "v1", kind: "Deployment", namespace: $dst.namespace,
      name: "guestbook", status: "Synced", health: {status: "Healthy"}}] as $res
  | .status = {
      resources: $res,
      sync: {status: "Synced", comparedTo: {source: $src, destination: $dst}, revision: $rev},
      health: {status: "Healthy", lastTransitionTime: "2026-11-19T10:02:11Z"},
      reconciledAt: "2026-11-25T16:40:02Z",
      sourceType: "Plugin", summary: {images: ["ghcr.io/akuity/guestbook:v0.0.2"]},
      controllerNamespace: "argocd"}'
old=$(app guestbook-dev | jq -S -c "$live")
new=$(jq -S -c '.metadata.annotations["freightgate.io/freight"] = "jolly-jaguar"' <<<"$old")
start_server --state "dir:$root/examples/guestbook" --now 2026-11-26T10:00:00Z
app_review 5e0b7c1a-9f2d-4e8b-a3c6-7d1e2f3a4b5c UPDATE alice@example.com guestbook-developers \
  "$new" "$old" | jq -c . >"$here/review-mutate.json"
post /mutate "$here/review-mutate.json" "$T/mutate.out" >/dev/null
jq '.request.object' "$here/review-mutate.json" >"$T/obj.json"
# kubectl leaves managedFields out of its output; the API server keeps them in the object.
pinned=$(kubectl patch --local -f "$T/obj.json" --type=json -p "$(decoded_patch "$T/mutate.out")" -o json |
  jq -S -c --argjson mf "$(jq -c .metadata.managedFields "$T/obj.json")" '.metadata.managedFields = $mf')
app_review 6f1c8d2b-0a3e-4f9c-b4d7-8e2f3a4b5c6d UPDATE alice@example.com guestbook-developers \
  "$pinned" "$old" | jq -c . >"$here/review-validate.json"
post /validate "$here/review-validate.json" "$T/validate.out" >/dev/null
for p in mutate validate; do
  jq -e '.response.allowed' "$T/$p.out" >/dev/null || { echo "/$p did not allow: $(cat "$T/$p.out")" >&2; exit 1; }
done
stop_server
wc -c "$here"/review-*.json
