#!/usr/bin/env bash
# en18031 probe ports against real servers in a network namespace this test creates (unshare -n): nothing
# leaves it, and the host's own ports are never scanned. Inside, 198.18.0.1 (the benchmarking range, never
# a private one) carries an HTTP server, an SSH server (dropbear), an MQTT broker (mosquitto) and a CoAP
# server (libcoap, UDP and TCP); later a DTLS server (libcoap) and a DNS resolver (dnsmasq). The
# declaration leaves out the broker and declares a port nothing listens on; the test asserts the exact
# services found, the undeclared one, the declared-but-silent one, the exit code, the outputs and --dry-run.
#   probe_ports_test.sh EN18031 SOURCE_DIR
set -euo pipefail
program=$1
source_dir=$2
source "$source_dir/tests/support/netns_services.sh"
enter_private_netns "$0" "$@"
fail() { echo "probe_ports_test: $*" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
host=198.18.0.1
start_bench_services "$work" $host || fail "the bench services did not start"

cat >"$work/declared.txt" <<'DECL'
# the bench unit's documented services
tcp/2222 ssh
tcp/8080 http
tcp/5683 coap   # CoAP over TCP
udp/5683 coap
tcp/443         # documented, but off in this build
DECL

# --dry-run: the plan, nothing sent, nothing written.
out=$("$program" probe ports $host --declared "$work/declared.txt" --tcp 1-100 --udp coap,dns -o "$work/dry" --dry-run)
expected="en18031 probe ports will send to $host only:
  TCP: connect to 100 ports of $host (512 at once, at most 50000 per second, 1000 ms timeout); as each open port is found (32 at once), wait 250 ms for a greeting, then send an HTTP GET /, an MQTT CONNECT without credentials and a TLS ClientHello (1000 ms each)
  UDP: CoAP GET /.well-known/core to $host port 5683
  UDP: DNS query . NS to $host port 53
dry run: nothing sent"
[[ "$out" == "$expected" ]] || fail "dry run printed:
$out"
[[ ! -e "$work/dry" ]] || fail "dry run wrote $work/dry"

# Every TCP port, every UDP probe.
status=0
"$program" probe ports $host --declared "$work/declared.txt" --banner-timeout 500 --udp-timeout 800 \
  -o "$work/out" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "exit $status, expected 1 (an undeclared service); stderr: $(cat "$work/stderr")"
services=$(grep -E '^(tcp|udp)/' "$work/stdout" | sed -E 's/: .*//')
[[ "$services" == "tcp/1883 mqtt
tcp/2222 ssh
tcp/5683 coap
tcp/8080 http
udp/5683 coap" ]] || fail "services found:
$services"
grep -qx 'tcp/2222 ssh: SSH-2.0-dropbear.*' "$work/stdout" || fail "no dropbear banner: $(cat "$work/stdout")"
grep -qx 'tcp/1883 mqtt: CONNACK 0 (accepted without credentials)' "$work/stdout" || fail "no CONNACK"
grep -qx "tcp/8080 http: HTTP/1.0 200 OK, Server: SimpleHTTP/.*" "$work/stdout" || fail "no HTTP banner: $(cat "$work/stdout")"
[[ "$(cat "$work/stderr")" == "en18031: FAIL: undeclared service tcp/1883 mqtt" ]] || fail "stderr: $(cat "$work/stderr")"
for file in results.json evidence.json results.sarif summary.md; do
  [[ -s "$work/out/$file" ]] || fail "no $file"
done
python3 - "$work/out" <<'PY' || fail "outputs differ from the expected"
import json, sys
out = sys.argv[1]
results = json.load(open(f"{out}/results.json"))
assert results["tcp"]["open"] == [1883, 2222, 5683, 8080], results["tcp"]["open"]
assert results["tcp"]["scanned"] == 65535, results["tcp"]["scanned"]
assert [(s["transport"], s["port"], s["declared"]) for s in results["services"]] == [
    ("tcp", 1883, False), ("tcp", 2222, True), ("tcp", 5683, True), ("tcp", 8080, True), ("udp", 5683, True)]
assert [d["answered"] for d in results["declared"]] == [True, True, True, True, False]
record = json.load(open(f"{out}/evidence.json"))
checks = {c["id"]: c for c in record["checks"]}
assert record["tool"]["name"] == "en18031 probe ports"
assert checks["services-found"]["result"] == "pass"
assert checks["only-declared-services"]["result"] == "fail"
assert checks["only-declared-services"]["detail"] == "1 undeclared: tcp/1883 mqtt", checks["only-declared-services"]
assert checks["declared-services-answer"]["detail"] == "1 declared but not answering: tcp/443"
assert record["inputs"][0]["path"] == "../declared.txt", record["inputs"]
sarif = json.load(open(f"{out}/results.sarif"))
assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["undeclared-service", "declared-service-silent"]
PY

# A product profile declares by protocol: the air-quality monitor's LTE interface names CoAP, DTLS and
# LwM2M, so SSH, HTTP and MQTT are undeclared and DTLS (declared) does not answer.
status=0
"$program" probe ports $host --profile "$source_dir/examples/air-quality-monitor/product.yaml" --tcp 1-9000 \
  --udp coap,dtls --banner-timeout 500 --udp-timeout 800 -o "$work/profile" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "profile run: exit $status; stderr: $(cat "$work/stderr")"
[[ "$(cat "$work/stderr")" == "en18031: FAIL: undeclared service tcp/1883 mqtt
en18031: FAIL: undeclared service tcp/2222 ssh
en18031: FAIL: undeclared service tcp/8080 http" ]] || fail "profile run stderr: $(cat "$work/stderr")"
grep -q 'Declared but not answering: dtls, lwm2m-bootstrap.' "$work/profile/summary.md" ||
  fail "summary: $(cat "$work/profile/summary.md")"

# Outputs are not replaced without --force.
status=0
"$program" probe ports $host --tcp 1-10 --udp none -o "$work/out" 2>"$work/stderr" >/dev/null || status=$?
[[ $status == 2 ]] || fail "existing outputs: exit $status"
[[ "$(cat "$work/stderr")" == "en18031: $work/out/results.json exists; use --force to replace it" ]] ||
  fail "existing outputs: $(cat "$work/stderr")"
# An output folder that cannot be made is reported before a packet is sent.
echo "a file" >"$work/not-a-folder"
status=0
"$program" probe ports $host --tcp 1-10 --udp none -o "$work/not-a-folder/out" 2>"$work/stderr" >/dev/null ||
  status=$?
[[ $status == 2 ]] || fail "unwritable output: exit $status"
[[ "$(cat "$work/stderr")" == "en18031: cannot create $work/not-a-folder/out: Not a directory" ]] ||
  fail "unwritable output: $(cat "$work/stderr")"
# DTLS against a real DTLS server: libcoap built with OpenSSL, PSK only, on udp/6684 (and CoAP on udp/6683).
# Its answer to our ClientHello is the cookie exchange of RFC 6347 4.2.1.
coap-server-openssl -A $host -p 6683 -k en18031-bench-psk >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/$host/6683) 2>/dev/null && break
  sleep 0.1
done
"$program" probe ports $host --tcp none --udp dtls:6684,coap:6683 --udp-timeout 800 -o "$work/dtls" \
  >"$work/stdout" 2>"$work/stderr" || fail "DTLS run: exit $?; stderr: $(cat "$work/stderr")"
[[ "$(grep -E '^udp/' "$work/stdout")" == "udp/6684 dtls: HelloVerifyRequest (asks for a cookie)
udp/6683 coap: GET /.well-known/core answered 2.05: </>;title=\"General Info\";ct=0,</time>;if=\"clock\";rt=\"ticks\";title=\"Internal Clock\";ct=0;obs,</async>" ]] ||
  fail "DTLS run found: $(cat "$work/stdout")"

# DNS against a real resolver: dnsmasq with no upstream and no hosts file answers the root NS query with
# REFUSED, which still shows a DNS service on the port.
dnsmasq --keep-in-foreground --conf-file=/dev/null --port=5300 --listen-address=$host --bind-interfaces \
  --no-resolv --no-hosts --user=root --pid-file= >/dev/null 2>&1 &
pids+=($!)
found=""
for _ in $(seq 50); do
  "$program" probe ports $host --tcp none --udp dns:5300 --udp-timeout 800 -o "$work/dns" --force \
    >"$work/stdout" 2>"$work/stderr" || fail "DNS run: exit $?; stderr: $(cat "$work/stderr")"
  found=$(grep -E '^udp/' "$work/stdout" || true)
  [[ -n "$found" ]] && break
  sleep 0.1
done
[[ "$found" == "udp/5300 dns: response REFUSED, 0 answer records" ]] || fail "DNS run found: $(cat "$work/stdout")"
echo "probe_ports_test: ok"
