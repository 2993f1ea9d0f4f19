# Helpers for the webhook integration tests (sourced by run.sh and usable by scripts/demo.sh):
# a throw-away CA and serving certificates made with openssl, a kubelet-style mounted Secret
# (`..data` symlink swap), starting/stopping the real binary on 127.0.0.1 with a free port, and
# AdmissionReview bodies built from examples/guestbook with jq.
#
# Needs: FG_WEBHOOK (binary), FG_SOURCE_DIR; optional FG_LOAD (load client).

fg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/fg-webhook.XXXXXX")
fg_server_pid=""
fg_port=""
fg_metrics_port=""
fg_log_cat_pid=""

fg_cleanup() {
  if [[ -n $fg_server_pid ]] && kill -0 "$fg_server_pid" 2>/dev/null; then
    kill -KILL "$fg_server_pid" 2>/dev/null || true
    wait "$fg_server_pid" 2>/dev/null || true
  fi
  [[ -z $fg_log_cat_pid ]] || kill "$fg_log_cat_pid" 2>/dev/null || true
  rm -rf "$fg_tmp"
}

fail() {
  echo "FAIL: $*" >&2
  if [[ -f $fg_tmp/server.log ]]; then
    echo "--- server log (last 30 lines)" >&2
    tail -30 "$fg_tmp/server.log" >&2
  fi
  exit 1
}

# Poll `cmd` until it succeeds, for at most $1 seconds.
wait_until() {
  local limit=$1
  shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}

# A throw-away CA in $fg_tmp/pki.
make_ca() {
  mkdir -p "$fg_tmp/pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=freightgate test CA" -keyout "$fg_tmp/pki/ca.key" -out "$fg_tmp/pki/ca.crt" \
    2>/dev/null
}

# make_cert NAME: a serving certificate for localhost/127.0.0.1 signed by the CA.
make_cert() {
  local n=$1 p=$fg_tmp/pki
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$n" \
    -keyout "$p/$n.key" -out "$p/$n.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:freightgate-webhook.freightgate.svc,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$p/$n.ext"
  openssl x509 -req -in "$p/$n.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
    -days 1 -extfile "$p/$n.ext" -out "$p/$n.crt" 2>/dev/null
}

# install_tls CERT KEY: writes them into $fg_tmp/tls the way the kubelet updates a mounted
# Secret: a new timestamped directory, then an atomic rename of the `..data` symlink.
install_tls() {
  local d=$fg_tmp/tls new
  mkdir -p "$d"
  new="..$(date +%Y_%m_%d_%H_%M_%S.%N)"
  mkdir "$d/$new"
  cp "$1" "$d/$new/tls.crt"
  cp "$2" "$d/$new/tls.key"
  ln -s "$new" "$d/..data_tmp"
  mv -T "$d/..data_tmp" "$d/..data"
  [[ -L $d/tls.crt ]] || ln -s ..data/tls.crt "$d/tls.crt"
  [[ -L $d/tls.key ]] || ln -s ..data/tls.key "$d/tls.key"
  find "$d" -maxdepth 1 -name '..20*' ! -name "$new" -exec rm -rf {} +
}

# start_server [flags...]: starts the webhook with the mounted TLS dir and the guestbook state
# (unless --state is given) and waits for its "listening" line.
start_server() {
  local state=(--state "dir:$FG_SOURCE_DIR/examples/guestbook")
  for a in "$@"; do [[ $a == --state* ]] && state=(); done
  : >"$fg_tmp/server.log"
  local log=$fg_tmp/server.log
  # FG_LOG_VIA_PIPE=1: stderr is a pipe, as under a container runtime, drained into server.log
  # by cat (stop_server waits for it).
  if [[ ${FG_LOG_VIA_PIPE:-} == 1 ]]; then
    log=$fg_tmp/stderr.fifo
    rm -f "$log"
    mkfifo "$log"
    cat "$log" >>"$fg_tmp/server.log" &
    fg_log_cat_pid=$!
  fi
  "$FG_WEBHOOK" --listen 127.0.0.1:0 --tls-cert-file "$fg_tmp/tls/tls.crt" \
    --tls-key-file "$fg_tmp/tls/tls.key" --threads 2 "${state[@]}" "$@" \
    2>>"$log" &
  fg_server_pid=$!
  wait_until 10 grep -q '"msg":"listening"' "$fg_tmp/server.log" ||
    fail "server did not start"
  fg_port=$(grep '"msg":"listening"' "$fg_tmp/server.log" | jq -r .port)
  fg_metrics_port=$(grep '"msg":"listening"' "$fg_tmp/server.log" | jq -r '.metrics_port // empty')
}

server_alive() { kill -0 "$fg_server_pid" 2>/dev/null; }
server_gone() { ! server_alive; }

# stop_server: SIGTERM, then wait (bounded) for exit; sets fg_exit_code.
stop_server() {
  kill -TERM "$fg_server_pid"
  wait_until 10 server_gone || fail "server did not exit within 10 s of SIGTERM"
  fg_exit_code=0
  wait "$fg_server_pid" || fg_exit_code=$?
  fg_server_pid=""
  if [[ -n $fg_log_cat_pid ]]; then
    wait "$fg_log_cat_pid" || true
    fg_log_cat_pid=""
  fi
}

# curl over real TLS, verifying the serving certificate against the test CA.
fg_curl() {
  curl -sS --cacert "$fg_tmp/pki/ca.crt" --resolve "localhost:$fg_port:127.0.0.1" "$@"
}

# post PATH BODY_FILE OUT_FILE -> prints the HTTP status code.
post() {
  fg_curl -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$2" "https://localhost:$fg_port$1"
}

# app NAME: the Application NAME from examples/guestbook as JSON.
app() {
  yq -c "select(.metadata.name == \"$1\")" "$FG_SOURCE_DIR/examples/guestbook/applications.yaml"
}

# app_review UID OPERATION USERNAME GROUP OBJECT_JSON [OLD_OBJECT_JSON]: an AdmissionReview v1
# for an Application, as kube-apiserver sends it.
app_review() {
  jq -n --arg uid "$1" --arg op "$2" --arg user "$3" --arg group "$4" \
    --argjson obj "$5" --argjson old "${6:-null}" '{
    apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
    request: {
      uid: $uid,
      kind: {group: "argoproj.io", version: "v1alpha1", kind: "Application"},
      resource: {group: "argoproj.io", version: "v1alpha1", resource: "applications"},
      requestKind: {group: "argoproj.io", version: "v1alpha1", kind: "Application"},
      requestResource: {group: "argoproj.io", version: "v1alpha1", resource: "applications"},
      name: $obj.metadata.name, namespace: $obj.metadata.namespace, operation: $op,
      userInfo: {username: $user, uid: "4c1b7e2a-0000-4000-8000-00000000\($user | length)",
                 groups: [$group, "system:authenticated"], extra: {}},
      object: $obj, oldObject: $old, dryRun: false,
      options: {apiVersion: "meta.k8s.io/v1", kind: (if $op == "CREATE" then "CreateOptions" else "UpdateOptions" end)}
    }}'
}

# promotion_review UID APP FREIGHT USER GROUP: UPDATE of APP requesting FREIGHT (name or alias)
# through the freightgate.io/freight annotation, the way `kubectl annotate` sends it.
promotion_review() {
  local old new
  old=$(app "$2")
  new=$(jq -c --arg f "$3" '.metadata.annotations["freightgate.io/freight"] = $f' <<<"$old")
  app_review "$1" UPDATE "$4" "$5" "$new" "$old"
}

# decoded_patch RESPONSE_FILE: the response's JSON Patch, base64-decoded.
decoded_patch() { jq -r '.response.patch // empty' "$1" | base64 -d; }
