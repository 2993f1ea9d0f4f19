#!/usr/bin/env bash
# Integration tests of freightgate-webhook: the real binary, real TLS on 127.0.0.1 (a throw-away
# CA made with openssl), curl as the client (plus fg-webhook-load for concurrent load).
# usage: run.sh CASE   (CTest runs each case as its own test; see CMakeLists.txt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
trap fg_cleanup EXIT

make_ca
make_cert serving-1
install_tls "$fg_tmp/pki/serving-1.crt" "$fg_tmp/pki/serving-1.key"
T=$fg_tmp
NOW=2026-11-26T10:00:00Z  # a Thursday: no freeze window

# The dev promotion alice asks for: jolly-jaguar (v0.0.3) into dev.
dev_promotion() { promotion_review "$1" guestbook-dev jolly-jaguar alice@example.com guestbook-developers; }

# mutate_and_apply UID APP FREIGHT USER GROUP: the promotion through /mutate, then the returned
# patch applied with kubectl: $T/patched.json is the object the apiserver would store.
mutate_and_apply() {
  promotion_review "$1" "$2" "$3" "$4" "$5" >"$T/m.json"
  [[ $(post /mutate "$T/m.json" "$T/m.out") == 200 ]] || fail "mutate: $(cat "$T/m.out")"
  decoded_patch "$T/m.out" >"$T/patch.json"
  [[ -s $T/patch.json ]] || fail "mutate returned no patch: $(cat "$T/m.out")"
  jq '.request.object' "$T/m.json" >"$T/obj.json"
  kubectl patch --local -f "$T/obj.json" --type=json -p "$(cat "$T/patch.json")" -o json \
    >"$T/patched.json" 2>"$T/kubectl.err" || fail "kubectl patch: $(cat "$T/kubectl.err")"
}
mutated_dev_app() {
  mutate_and_apply 11111111-aaaa-4bbb-8ccc-000000000001 guestbook-dev jolly-jaguar \
    alice@example.com guestbook-developers
}

case_mutate() {
  start_server --now "$NOW"
  mutated_dev_app
  jq -e '.response.uid == "11111111-aaaa-4bbb-8ccc-000000000001" and .response.allowed == true
         and .response.patchType == "JSONPatch" and .apiVersion == "admission.k8s.io/v1"
         and .kind == "AdmissionReview"' "$T/m.out" >/dev/null || fail "response: $(cat "$T/m.out")"
  local a='.metadata.annotations'
  [[ $(jq -r "$a[\"freightgate.io/freight\"]" "$T/patched.json") == 15317018bfd430928c2bb2ecc4cd79fbe644bf16 ]] ||
    fail "alias not resolved: $(jq -c "$a" "$T/patched.json")"
  [[ $(jq -r "$a[\"freightgate.io/promoted-by\"]" "$T/patched.json") == alice@example.com ]] ||
    fail "promoted-by: $(jq -c "$a" "$T/patched.json")"
  [[ $(jq -r "$a[\"freightgate.io/previous-freight\"]" "$T/patched.json") == 6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497 ]] ||
    fail "previous-freight: $(jq -c "$a" "$T/patched.json")"
  [[ $(jq -r '.spec.source.targetRevision' "$T/patched.json") == c0ffee00d15ea5e5b0a710adf00dfacecafe0123 ]] ||
    fail "targetRevision not pinned: $(jq -c .spec.source "$T/patched.json")"
  [[ $(jq -r '.spec.source.plugin.env[] | select(.name=="FREIGHT") | .value' "$T/patched.json") == 15317018bfd430928c2bb2ecc4cd79fbe644bf16 ]] ||
    fail "FREIGHT env: $(jq -c .spec.source.plugin "$T/patched.json")"
  [[ $(jq -r '.spec.source.plugin.env[] | select(.name=="IMAGES") | .value' "$T/patched.json") == *guestbook:v0.0.3@sha256:395a642f* ]] ||
    fail "IMAGES env: $(jq -c .spec.source.plugin "$T/patched.json")"
  grep '"msg":"admission"' "$T/server.log" | jq -e 'select(.webhook=="mutate" and .uid=="11111111-aaaa-4bbb-8ccc-000000000001"
      and .kind=="Application" and .namespace=="argocd" and .name=="guestbook-dev" and .operation=="UPDATE"
      and .user=="alice@example.com" and .allowed==true and .patched==true and (.latency_ms|type)=="number")' >/dev/null ||
    fail "decision log line missing or incomplete"
  ! grep -q 'guestbook-gitops' "$T/server.log" || fail "request body content leaked into the log"
}

case_allow() {
  start_server --now "$NOW"
  mutated_dev_app
  app_review 11111111-aaaa-4bbb-8ccc-000000000002 UPDATE alice@example.com guestbook-developers \
    "$(cat "$T/patched.json")" "$(app guestbook-dev)" >"$T/v.json"
  [[ $(post /validate "$T/v.json" "$T/v.out") == 200 ]] || fail "validate: $(cat "$T/v.out")"
  jq -e '.response.allowed == true and .response.uid == "11111111-aaaa-4bbb-8ccc-000000000002"
         and (.response | has("patch") | not) and (.response | has("patchType") | not)' "$T/v.out" >/dev/null ||
    fail "expected allowed without patch: $(cat "$T/v.out")"
}

case_deny() {
  start_server --now "$NOW"
  # jolly-jaguar straight to prod: staging never verified it and nobody approved it. The
  # mutating webhook pins it; the validating webhook refuses the pinned object.
  mutate_and_apply 22222222-aaaa-4bbb-8ccc-000000000000 guestbook-prod jolly-jaguar \
    rita@example.com guestbook-release-managers
  app_review 22222222-aaaa-4bbb-8ccc-000000000001 UPDATE rita@example.com guestbook-release-managers \
    "$(cat "$T/patched.json")" "$(app guestbook-prod)" >"$T/d.json"
  [[ $(post /validate "$T/d.json" "$T/d.out") == 200 ]] || fail "validate: $(cat "$T/d.out")"
  jq -e '.response.allowed == false and .response.status.code == 403 and .response.status.reason == "Forbidden"
         and (.response.status.message | test("not available to Stage \"prod\".*staging"))
         and (.response | has("patch") | not)' "$T/d.out" >/dev/null ||
    fail "expected a 403 denial naming the missing staging verification: $(cat "$T/d.out")"
  echo "kubectl would print: Error from server (Forbidden): admission webhook \"applications.freightgate.io\" denied the request: $(jq -r .response.status.message "$T/d.out")"
  grep '"msg":"admission"' "$T/server.log" | jq -e 'select(.uid=="22222222-aaaa-4bbb-8ccc-000000000001"
      and .allowed==false and .code==403 and .user=="rita@example.com" and (.message|length) > 0)' >/dev/null ||
    fail "denial not logged"
  # grep without -q reads to the end: an early exit would SIGPIPE curl and fail the pipeline.
  fg_curl "https://localhost:$fg_port/metrics" | grep -F >/dev/null \
    'freightgate_admission_requests_total{webhook="validate",kind="Application",operation="UPDATE",allowed="false"} 1' ||
    fail "denial not counted in /metrics"
}

case_malformed() {
  start_server
  printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{' >"$T/bad.json"
  [[ $(post /validate "$T/bad.json" "$T/bad.out") == 400 ]] || fail "malformed JSON: want 400, got $(cat "$T/bad.out")"
  [[ -s $T/bad.out ]] || fail "400 without a message"
  echo "400: $(cat "$T/bad.out")"
  printf 'not json at all' >"$T/bad2.json"
  [[ $(post /mutate "$T/bad2.json" "$T/bad2.out") == 400 ]] || fail "garbage: want 400"
  [[ $(fg_curl -o "$T/ct.out" -w '%{http_code}' -H 'Content-Type: text/plain' --data 'x' "https://localhost:$fg_port/validate") == 415 ]] ||
    fail "text/plain body: want 415"
  [[ $(fg_curl -o /dev/null -w '%{http_code}' "https://localhost:$fg_port/validate") == 405 ]] || fail "GET /validate: want 405"
  [[ $(fg_curl -o /dev/null -w '%{http_code}' "https://localhost:$fg_port/nope") == 404 ]] || fail "unknown path: want 404"
  # The server still decides after the bad requests.
  dev_promotion 33333333-aaaa-4bbb-8ccc-000000000001 >"$T/ok.json"
  [[ $(post /mutate "$T/ok.json" "$T/ok.out") == 200 ]] || fail "server unusable after bad input"
}

case_wrong_api_version() {
  start_server
  dev_promotion 44444444-aaaa-4bbb-8ccc-000000000001 | jq '.apiVersion = "admission.k8s.io/v1beta1"' >"$T/w.json"
  [[ $(post /validate "$T/w.json" "$T/w.out") == 400 ]] || fail "v1beta1: want 400, got $(cat "$T/w.out")"
  grep -qi 'apiVersion\|v1beta1\|admission.k8s.io/v1' "$T/w.out" || fail "message does not name the apiVersion: $(cat "$T/w.out")"
  echo "400: $(cat "$T/w.out")"
}

case_oversized() {
  start_server --max-body-bytes 1048576
  head -c $((1048576 + 10)) /dev/zero | tr '\0' 'a' >"$T/big.json"
  [[ $(post /validate "$T/big.json" "$T/big.out") == 413 ]] || fail "Content-Length over the cap: want 413, got $(cat "$T/big.out")"
  grep -q 'too large' "$T/big.out" || fail "413 without a message"
  echo "413: $(cat "$T/big.out")"
  [[ $(post /validate "$T/big.json" "$T/big2.out" -H 'Transfer-Encoding: chunked') == 413 ]] ||
    fail "chunked body over the cap: want 413, got $(cat "$T/big2.out")"
  # A client still uploading far past the cap (a 1 GiB stream, no Expect: 100-continue to stop
  # it) reads the 413: the server sends it, then discards the upload until the client closes,
  # instead of resetting the connection under the unread response (curl then reports "Send
  # failure" with no status; 21 of 30 tries before the fix). Repeated: a reset is a race.
  local i code
  for i in 1 2 3 4 5 6 7 8; do
    code=$(head -c 1G /dev/zero | fg_curl -o "$T/up.out" -w '%{http_code}' -X POST -T - -H 'Expect:' \
      -H 'Content-Type: application/json' "https://localhost:$fg_port/validate" 2>"$T/up.err") || true
    [[ $code == 413 ]] || fail "1 GiB upload, try $i: want 413, got $code $(cat "$T/up.err")"
  done
  # ... but not for ever: a client that keeps sending faster than the server discards (a read
  # never waits, so only the clock can end it) is cut off kLingerTime (2 s) after the 413, over
  # TLS and on the plain metrics port alike.
  local cut
  cut=$(python3 "$here/flood_upload.py" "$fg_port" /validate --cafile "$fg_tmp/pki/ca.crt" --seconds 10) ||
    fail "TLS upload flood past the 413: $cut"
  echo "TLS flood cut after $cut"
  awk -v t="${cut%% *}" 'BEGIN { exit !(t < 3.5) }' || fail "TLS flood cut after $cut, want ~2 s"
  stop_server
  start_server --max-body-bytes 1048576 --metrics-listen 127.0.0.1:0
  cut=$(python3 "$here/flood_upload.py" "$fg_metrics_port" /metrics --seconds 10) ||
    fail "plain upload flood past the 413: $cut"
  echo "plain flood cut after $cut"
  awk -v t="${cut%% *}" 'BEGIN { exit !(t < 3.5) }' || fail "plain flood cut after $cut, want ~2 s"
  # The default cap is 7 MiB.
  stop_server
  start_server
  head -c $((7 * 1048576 + 1)) /dev/zero | tr '\0' 'a' >"$T/big3.json"
  [[ $(post /validate "$T/big3.json" "$T/big3.out") == 413 ]] || fail "7 MiB + 1: want 413"
}

# Seconds (with fractions) until the server closes the connection fed by "$@".
close_after() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
silent_client() { timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$fg_port; cat <&3 >/dev/null" || true; }
# TLS, then an incomplete request whose rest never comes.
# TLS, then an incomplete request whose rest never comes: openssl exits when the server closes
# (its stdin, a fifo, stays open through fd 7 until then).
stalled_tls_client() {
  local fifo=$T/stall.$RANDOM pid
  mkfifo "$fifo"
  timeout 10 openssl s_client -quiet -connect "127.0.0.1:$fg_port" -servername localhost \
    -CAfile "$T/pki/ca.crt" <"$fifo" >/dev/null 2>&1 &
  pid=$!
  exec 7>"$fifo"
  printf '%b' "$1" >&7
  wait "$pid" || true
  exec 7>&-
  rm -f "$fifo"
}

case_slow_client() {
  start_server --read-header-timeout 1s --read-body-timeout 1s
  local t
  t=$(close_after silent_client)
  echo "silent client cut off after ${t}s"
  (($(echo "$t < 4" | bc))) || fail "silent client kept for ${t}s (read-header-timeout 1s)"
  t=$(close_after stalled_tls_client 'POST /validate HTTP/1.1\r\nHost: localhost\r\n')
  echo "client stalled in the headers cut off after ${t}s"
  (($(echo "$t < 4" | bc))) || fail "stalled headers kept for ${t}s"
  t=$(close_after stalled_tls_client 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"apiVersion":')
  echo "client stalled in the body cut off after ${t}s"
  (($(echo "$t < 4" | bc))) || fail "stalled body kept for ${t}s"
  grep -q 'too slow' "$T/server.log" || fail "slow clients not logged"
  server_alive || fail "server died"
}

case_timeout_param() {
  start_server --read-body-timeout 30s
  local t
  t=$(close_after stalled_tls_client 'POST /validate?timeout=1s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"apiVersion":')
  echo "?timeout=1s: connection closed after ${t}s (body timeout 30s)"
  (($(echo "$t < 4" | bc))) || fail "?timeout=1s not honoured: ${t}s"
  grep -q 'deadline (?timeout=) passed' "$T/server.log" || fail "deadline not logged"
  dev_promotion 55555555-aaaa-4bbb-8ccc-000000000001 >"$T/ok.json"
  [[ $(fg_curl -o "$T/ok.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$T/ok.json" \
    "https://localhost:$fg_port/mutate?timeout=10s") == 200 ]] || fail "?timeout=10s: $(cat "$T/ok.out")"
  [[ $(fg_curl -o "$T/bad.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$T/ok.json" \
    "https://localhost:$fg_port/mutate?timeout=soon") == 400 ]] || fail "?timeout=soon: want 400"
}

case_probes_metrics() {
  start_server --metrics-listen 127.0.0.1:0
  [[ $(fg_curl "https://localhost:$fg_port/healthz") == ok ]] || fail "/healthz"
  [[ $(fg_curl "https://localhost:$fg_port/readyz") == ok ]] || fail "/readyz"
  dev_promotion 66666666-aaaa-4bbb-8ccc-000000000001 >"$T/ok.json"
  post /mutate "$T/ok.json" "$T/ok.out" >/dev/null
  fg_curl "https://localhost:$fg_port/metrics" >"$T/metrics.txt"
  curl -sS "http://127.0.0.1:$fg_metrics_port/metrics" >"$T/metrics-plain.txt"
  for m in 'freightgate_admission_requests_total{webhook="mutate",kind="Application",operation="UPDATE",allowed="true"} 1' \
    'freightgate_admission_duration_seconds_bucket{webhook="mutate",le="+Inf"} 1' \
    'freightgate_admission_duration_seconds_count{webhook="mutate"} 1' \
    'freightgate_admission_in_flight_requests ' 'freightgate_tls_certificate_expiry_timestamp_seconds ' \
    'freightgate_state_ready 1' 'freightgate_state_last_sync_timestamp_seconds ' 'freightgate_state_age_seconds ' \
    'freightgate_build_info{version="' 'freightgate_draining 0'; do
    grep -qF "$m" "$T/metrics.txt" || fail "/metrics lacks: $m"
    grep -qF "$m" "$T/metrics-plain.txt" || fail "plain /metrics lacks: $m"
  done
  # The expiry gauge is the certificate's notAfter.
  local want got
  want=$(date -d "$(openssl x509 -in "$T/pki/serving-1.crt" -noout -enddate | cut -d= -f2)" +%s)
  got=$(awk '/^freightgate_tls_certificate_expiry_timestamp_seconds /{printf "%d", $2}' "$T/metrics.txt")
  [[ $want == "$got" ]] || fail "cert expiry gauge $got != notAfter $want"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$fg_metrics_port/validate") == 404 ]] ||
    fail "admission must not be served on the plain port"
}

case_tls_policy() {
  start_server
  local c=(openssl s_client -connect "127.0.0.1:$fg_port" -servername localhost -CAfile "$T/pki/ca.crt")
  "${c[@]}" -tls1_3 </dev/null >"$T/13.txt" 2>&1 || fail "TLS 1.3 refused"
  grep -q 'Verify return code: 0' "$T/13.txt" || fail "certificate did not verify"
  "${c[@]}" -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 </dev/null >/dev/null 2>&1 || fail "TLS 1.2 ECDHE+AEAD refused"
  ! "${c[@]}" -tls1_1 </dev/null >/dev/null 2>&1 || fail "TLS 1.1 accepted"
  ! "${c[@]}" -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA </dev/null >/dev/null 2>&1 || fail "TLS 1.2 CBC suite accepted"
  grep -q 'ALPN protocol: http/1.1' <("${c[@]}" -alpn h2,http/1.1 </dev/null 2>&1) || fail "ALPN did not pick http/1.1"
}

case_concurrent() {
  FG_LOG_VIA_PIPE=1 start_server --now "$NOW"
  dev_promotion 77777777-aaaa-4bbb-8ccc-000000000001 >"$T/req.json"
  "$FG_LOAD" --port "$fg_port" --ca "$T/pki/ca.crt" --body "$T/req.json" --path /validate,/mutate \
    --connections 64 --requests 25 >"$T/load.json"
  cat "$T/load.json"
  jq -e '.ok == 1600 and .bad_status == 0 and .inflight_failed == 0 and .not_delivered == 0 and .connects == 64' \
    "$T/load.json" >/dev/null || fail "64 keep-alive clients x 25 requests: $(cat "$T/load.json")"
  # Under load the workers write their loop turn's log lines together, into a pipe: every
  # request still has its decision line, and every line of the log is one whole JSON object.
  stop_server
  jq -R fromjson "$T/server.log" >/dev/null || fail "the log has a line that is not one JSON object"
  local lines
  lines=$(jq -c 'select(.msg == "admission" and .uid == "77777777-aaaa-4bbb-8ccc-000000000001")' \
    "$T/server.log" | wc -l)
  [[ $lines == 1600 ]] || fail "1600 requests, $lines decision lines"
}

# http_request PATH BODY_FILE UID [close]: an HTTP/1.1 POST of an AdmissionReview as raw bytes.
http_request() {
  printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' "$1"
  [[ ${4:-} == close ]] && printf 'Connection: close\r\n'
  printf 'Content-Length: %s\r\n\r\n' "$(jq -c --arg uid "$3" '.request.uid = $uid' "$2" | head -c -1 | wc -c)"
  jq -c --arg uid "$3" '.request.uid = $uid' "$2" | head -c -1
}

# Requests pipelined on one keep-alive connection: openssl s_client sends what it reads from
# stdin, up to 16 KiB a TLS record, so records hold several requests and requests span records.
# Every one is answered, in order, and the last one's `Connection: close` ends the connection.
case_pipelined() {
  start_server --now "$NOW"
  mutated_dev_app
  app_review 11111111-aaaa-4bbb-8ccc-000000000002 UPDATE alice@example.com guestbook-developers \
    "$(cat "$T/patched.json")" "$(app guestbook-dev)" >"$T/v.json"
  dev_promotion 11111111-aaaa-4bbb-8ccc-000000000003 >"$T/m.json"
  local i n=12
  for ((i = 1; i <= n; i++)); do
    if ((i % 3 == 0)); then http_request /mutate "$T/m.json" "pipelined-$i"; else http_request /validate "$T/v.json" "pipelined-$i"; fi
  done >"$T/pipelined.txt"
  http_request /validate "$T/v.json" pipelined-last close >>"$T/pipelined.txt"
  timeout 20 openssl s_client -quiet -connect "127.0.0.1:$fg_port" -servername localhost \
    -CAfile "$T/pki/ca.crt" <"$T/pipelined.txt" >"$T/pipelined.out" 2>"$T/s_client.err" ||
    fail "s_client: $(cat "$T/s_client.err")"
  local uids want
  uids=$(grep -ao '"uid":"pipelined-[a-z0-9]*"' "$T/pipelined.out" | cut -d'"' -f4 | tr '\n' ' ')
  want=$(for ((i = 1; i <= n; i++)); do printf 'pipelined-%s ' "$i"; done; printf 'pipelined-last ')
  [[ $uids == "$want" ]] || fail "pipelined answers, in order: want [$want], got [$uids]"
  # (A response follows the body before it on the same line: bodies end without a newline.)
  [[ $(grep -ao 'HTTP/1.1 [0-9]* [A-Za-z ]*' "$T/pipelined.out" | sort | uniq -c | xargs) == "$((n + 1)) HTTP/1.1 200 OK" ]] ||
    fail "expected $((n + 1)) responses of 200: $(grep -ao 'HTTP/1.1 [0-9]*' "$T/pipelined.out" | sort | uniq -c)"
  [[ $(grep -aci '^Connection: close' "$T/pipelined.out") == 1 ]] || fail "the last response must close"
  [[ $(grep -ao '"patch":' "$T/pipelined.out" | wc -l) == $((n / 3)) ]] || fail "each /mutate answer carries its patch"
}

serial_served() {
  openssl s_client -connect "127.0.0.1:$fg_port" -servername localhost </dev/null 2>/dev/null |
    openssl x509 -noout -serial
}

case_cert_rotation() {
  start_server --tls-reload-interval 100ms
  make_cert serving-2
  make_cert serving-3
  dev_promotion 88888888-aaaa-4bbb-8ccc-000000000001 >"$T/req.json"
  "$FG_LOAD" --port "$fg_port" --ca "$T/pki/ca.crt" --body "$T/req.json" --path /validate,/mutate \
    --connections 16 --duration-ms 3000 --reconnect-every 10 >"$T/load.json" &
  local load=$!
  local s1 s2
  s1=$(serial_served)
  [[ $s1 == "$(openssl x509 -in "$T/pki/serving-1.crt" -noout -serial)" ]] || fail "serving-1 not served"
  sleep 0.5
  install_tls "$T/pki/serving-2.crt" "$T/pki/serving-2.key"
  wait_until 5 bash -c "grep -q 'tls certificate reloaded' '$T/server.log'" || fail "rotation not picked up"
  s2=$(serial_served)
  [[ $s2 == "$(openssl x509 -in "$T/pki/serving-2.crt" -noout -serial)" ]] || fail "serving-2 not served after rotation ($s2)"
  # A broken pair (serving-3's certificate with serving-2's key) is refused; serving-2 stays.
  install_tls "$T/pki/serving-3.crt" "$T/pki/serving-2.key"
  wait_until 5 bash -c "grep -q 'tls reload failed' '$T/server.log'" || fail "bad pair not reported"
  [[ $(serial_served) == "$s2" ]] || fail "bad pair replaced the good one"
  install_tls "$T/pki/serving-3.crt" "$T/pki/serving-3.key"
  wait_until 5 bash -c "[[ \$(grep -c 'tls certificate reloaded' '$T/server.log') -ge 2 ]]" || fail "second rotation not picked up"
  wait "$load"
  cat "$T/load.json"
  jq -e '.ok > 100 and .bad_status == 0 and .inflight_failed == 0 and .not_delivered == 0 and .refused == 0 and .connects > 32' \
    "$T/load.json" >/dev/null || fail "requests failed during rotation: $(cat "$T/load.json")"
  fg_curl "https://localhost:$fg_port/metrics" | grep -F >/dev/null 'freightgate_tls_certificate_reloads_total{result="failure"} 1' ||
    fail "failed reload not counted"
}

case_sigterm() {
  start_server --drain-grace 5s --metrics-listen 127.0.0.1:0
  dev_promotion 99999999-aaaa-4bbb-8ccc-000000000001 >"$T/req.json"
  # One request held in flight: headers and half the body sent, the rest after SIGTERM.
  local body len
  body=$(cat "$T/req.json")
  len=${#body}
  mkfifo "$T/held.in"
  openssl s_client -quiet -connect "127.0.0.1:$fg_port" -servername localhost -CAfile "$T/pki/ca.crt" \
    <"$T/held.in" >"$T/held.out" 2>/dev/null &
  local held=$!
  exec 5>"$T/held.in"
  printf 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$len" "${body:0:100}" >&5
  "$FG_LOAD" --port "$fg_port" --ca "$T/pki/ca.crt" --body "$T/req.json" --path /validate,/mutate \
    --connections 32 --duration-ms 8000 --until-refused >"$T/load.json" &
  local load=$!
  wait_until 5 bash -c "curl -s http://127.0.0.1:$fg_metrics_port/metrics | grep -q 'freightgate_admission_duration_seconds_count{webhook=\"validate\"} [1-9][0-9][0-9]'" ||
    fail "load did not start"
  kill -TERM "$fg_server_pid"
  wait_until 5 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$fg_metrics_port/readyz) == 503 ]]" ||
    fail "/readyz did not turn 503 while draining"
  server_alive || fail "server exited with a request in flight"
  printf '%s' "${body:100}" >&5
  wait_until 5 bash -c "grep -q AdmissionReview '$T/held.out'" || fail "held in-flight request got no response"
  grep -qi '^Connection: close' "$T/held.out" || fail "response during drain lacks Connection: close"
  exec 5>&-
  wait_until 8 server_gone || fail "server did not exit within the grace period"
  wait "$fg_server_pid" && code=0 || code=$?
  fg_server_pid=""
  [[ $code == 0 ]] || fail "exit code $code after SIGTERM"
  wait "$load"
  wait "$held" 2>/dev/null || true
  cat "$T/load.json"
  jq -e '.ok > 100 and .bad_status == 0 and .inflight_failed == 0 and .not_delivered == 0 and .conn_close > 0' "$T/load.json" >/dev/null ||
    fail "in-flight requests failed during drain: $(cat "$T/load.json")"
  grep -q '"msg":"drained' "$T/server.log" || fail "no drained line in the log"
}

case_flags() {
  "$FG_WEBHOOK" --help | grep -- '--drain-grace' >/dev/null || fail "--help lacks flags"
  local out
  out=$("$FG_WEBHOOK" --listen nope 2>&1) && fail "bad --listen accepted"
  grep -q -- '--listen' <<<"$out" || fail "error does not name the flag: $out"
  out=$(FG_DRAIN_GRACE=forever "$FG_WEBHOOK" --help 2>&1) && fail "bad FG_DRAIN_GRACE accepted"
  grep -q 'FG_DRAIN_GRACE' <<<"$out" || fail "error does not name the env var: $out"
  out=$("$FG_WEBHOOK" --state kube --tls-cert-file "$T/tls/tls.crt" --tls-key-file "$T/tls/tls.key" 2>&1) &&
    fail "--state kube started"
  echo "$out" | tail -1
  # Env sets every flag: a server configured only by env.
  : >"$T/server.log"
  FG_LISTEN=127.0.0.1:0 FG_TLS_CERT_FILE=$T/tls/tls.crt FG_TLS_KEY_FILE=$T/tls/tls.key \
    FG_STATE=dir:$FG_SOURCE_DIR/examples/guestbook FG_NOW=$NOW FG_LOG_LEVEL=info "$FG_WEBHOOK" 2>"$T/server.log" &
  fg_server_pid=$!
  wait_until 10 grep -q '"msg":"listening"' "$T/server.log" || fail "env-configured server did not start"
  grep '"msg":"listening"' "$T/server.log" | jq -e --arg now "$NOW" '.fixed_now == $now' >/dev/null ||
    fail "FG_NOW not applied"
}

"case_$1"
echo "PASS: webhook $1"
