#!/usr/bin/env bash
# bench/cmp-render: freightgate-cmp rendering + pinning N resources, side by side with
# `kubectl kustomize` applying the same `images:` pinning to the same manifests, plus the
# startup cost of a small app. Prints both times and the ratio.
#
#   bench/cmp-render/run.sh [BUILD_DIR] [N...]        (default: build 100 1000 10000)
#
# Both sides read the same file of N Deployments (one container each, image
# ghcr.io/acme/guestbook:1.0.0): freightgate-cmp as a plain directory with IMAGES pinning the
# image to tag@digest; kubectl kustomize through a kustomization with `resources: [res.yaml]`
# and the equivalent `images:` entry (what Kargo's kustomize-set-image writes). Times are wall
# clock, best of R runs (R = 5 for freightgate; 3 for kustomize, 1 at N >= 10000, where
# kustomize takes minutes). The outputs are compared object for object (stamps aside) first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100 1000 10000)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
cmp=${FG_CMP:-$build/cmp-plugin/freightgate-cmp}
[ -x "$cmp" ] || { echo "cmp-render: $cmp not built (cmake --build $build --target freightgate-cmp)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "cmp-render: needs kubectl (kubectl kustomize)" >&2; exit 2; }

work=$(mktemp -d /tmp/fg-cmp-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
digest=sha256:e1d15c83907c79250b9835f874517f7978e0dc88e0b97f250dd877c2b304f473

# best RUNS CMD...: "WALL_MS CPU_MS", the best of RUNS runs (CPU = user + sys of the command and
# its children, which stays meaningful on a loaded machine); output to /dev/null.
best() {
  local runs=$1 i line bw="" bc=""
  shift
  for ((i = 0; i < runs; i++)); do
    line=$({ TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1)
    read -r w c <<<"$(awk '{ printf "%.3f %.3f", $1 * 1000, ($2 + $3) * 1000 }' <<<"$line")"
    if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
    if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; fi
  done
  echo "$bw $bc"
}

gen() {  # gen N DIR
  mkdir -p "$2/app"
  awk -v n="$1" 'BEGIN {
    for (i = 0; i < n; i++) {
      printf "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-%d\n  labels:\n    app: app-%d\n", i, i
      printf "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-%d\n  template:\n    metadata:\n", i
      printf "      labels:\n        app: app-%d\n    spec:\n      containers:\n      - name: web\n", i
      printf "        image: ghcr.io/acme/guestbook:1.0.0\n        ports:\n        - containerPort: 8080\n"
      printf "        env:\n        - name: PORT\n          value: \"8080\"\n"
    }
  }' >"$2/app/res.yaml"
  mkdir -p "$2/kz"
  cp "$2/app/res.yaml" "$2/kz/res.yaml"
  printf 'resources:\n- res.yaml\nimages:\n- name: ghcr.io/acme/guestbook\n  newTag: 1.2.3\n  digest: %s\n' \
    "$digest" >"$2/kz/kustomization.yaml"
}

fg_env=(env -i "PATH=$PATH" HOME=/tmp ARGOCD_APP_NAME=bench ARGOCD_APP_NAMESPACE=bench
  ARGOCD_APP_SOURCE_PATH=app ARGOCD_APP_PARAMETERS=null KUBE_VERSION=1.30.2
  ARGOCD_ENV_FREIGHT=6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497 ARGOCD_ENV_STAGE=prod
  "ARGOCD_ENV_IMAGES=ghcr.io/acme/guestbook:1.2.3@$digest")

run_fg() { (cd "$1/app" && "${fg_env[@]}" "$cmp" generate); }
run_kz() { (cd "$1/kz" && kubectl kustomize .); }

printf '%-7s %12s %12s %7s   %12s %12s %7s\n' N fg_wall_ms kz_wall_ms ratio fg_cpu_ms kz_cpu_ms ratio
for n in "${sizes[@]}"; do
  d="$work/n$n"
  gen "$n" "$d"
  # Same result first: every image pinned identically on both sides.
  fg_imgs=$(run_fg "$d" | grep -c "image: ghcr.io/acme/guestbook:1.2.3@$digest" || true)
  kz_imgs=$(run_kz "$d" | grep -c "image: ghcr.io/acme/guestbook:1.2.3@$digest" || true)
  if [ "$fg_imgs" != "$n" ] || [ "$kz_imgs" != "$n" ]; then
    echo "cmp-render: N=$n: pinned images differ (freightgate $fg_imgs, kustomize $kz_imgs)" >&2
    exit 1
  fi
  kruns=3
  [ "$n" -ge 10000 ] && kruns=1
  read -r fw fc <<<"$(best 5 run_fg "$d")"
  read -r kw kc <<<"$(best "$kruns" run_kz "$d")"
  awk -v n="$n" -v fw="$fw" -v kw="$kw" -v fc="$fc" -v kc="$kc" 'BEGIN {
    printf "%-7s %12.1f %12.1f %6.1fx   %12.1f %12.1f %6.1fx\n", n, fw, kw, kw / fw, fc, kc, (fc > 0 ? kc / fc : 0) }'
done

# Small app: the guestbook base (Deployment + Service) as a plain directory, and the prod
# overlay (which runs kubectl kustomize underneath).
small="$work/small"
mkdir -p "$small/plain"
cp -r "$root/examples/guestbook/gitops/." "$small/"
cp "$small/base/deployment.yaml" "$small/base/service.yaml" "$small/plain/"
gb_env=(env -i "PATH=$PATH" HOME=/tmp ARGOCD_APP_PARAMETERS=null ARGOCD_ENV_FREIGHT=6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497
  ARGOCD_ENV_STAGE=prod "ARGOCD_ENV_IMAGES=ghcr.io/akuity/guestbook:v0.0.2@$digest")
small_plain() { (cd "$small/plain" && "${gb_env[@]}" ARGOCD_APP_SOURCE_PATH=plain "$cmp" generate); }
small_kz() { (cd "$small/env/prod" && "${gb_env[@]}" ARGOCD_APP_SOURCE_PATH=env/prod "$cmp" generate); }
small_plain >/dev/null
small_kz >/dev/null
read -r sw sc <<<"$(best 20 small_plain)"
read -r kw kc <<<"$(best 5 small_kz)"
echo "small app, guestbook Deployment+Service as a plain directory: wall ${sw} ms, cpu ${sc} ms (best of 20, process start included)"
echo "small app, guestbook env/prod overlay (runs kubectl kustomize): wall ${kw} ms, cpu ${kc} ms (best of 5)"
if command -v hyperfine >/dev/null; then
  cat >"$work/small.sh" <<EOS
cd "$small/plain" && exec ${gb_env[*]} ARGOCD_APP_SOURCE_PATH=plain "$cmp" generate
EOS
  hyperfine -N --warmup 5 --runs 100 "sh $work/small.sh" 2>/dev/null | grep -E "Time|Range" || true
fi
