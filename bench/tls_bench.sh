#!/usr/bin/env bash
# Full enumeration of local TLS servers, en18031 probe tls side by side with testssl.sh (Debian's 3.0.8,
# /usr/bin/testssl -p -E: protocols, then every cipher per protocol), in one run on the same servers:
# wall time of each, the ratio, and every difference between the (protocol, suite) pairs they found.
#   bench/tls_bench.sh EN18031_BINARY [SOURCE_DIR]
# Servers (as the e2e tests start them, on free 127.0.0.1 ports): openssl s_server TLS 1.3 only; TLS 1.0
# with CBC-SHA1 at @SECLEVEL=0; an RSA-1024/SHA-1 certificate at @SECLEVEL=0; a client certificate
# required; nginx with a typical configuration. Prints a Markdown table (docs/benchmarks.md).
set -euo pipefail
binary="$(realpath "$1")"
source_dir="$(realpath "${2:-$(dirname "$0")/..}")"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
bash "$source_dir/tests/e2e/probe_tls_certs.sh" "$work/certs"
cd "$work/certs"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

start_s_server() {  # port, s_server options...
  local port=$1; shift
  openssl s_server -accept "127.0.0.1:$port" -quiet -www "$@" >"$work/server-$port.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
}
start_nginx() {
  local port=$1 dir="$work/nginx"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<CONF
daemon off; master_process off; pid $dir/nginx.pid; error_log $dir/error.log;
events {}
http {
  access_log off; client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir;
  server {
    listen 127.0.0.1:$port ssl; server_name localhost;
    ssl_certificate $work/certs/good.pem; ssl_certificate_key $work/certs/good.key;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers HIGH:!aNULL:!MD5; ssl_prefer_server_ciphers on;
    location / { return 200 "ok\n"; }
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
  pids+=($!)
  wait_port "$port"
}

compare() {  # name, en18031 results.json, testssl json, en18031 seconds, testssl seconds
  python3 - "$@" <<'PY'
import json, sys
name, ours_file, theirs_file, ours_s, theirs_s = sys.argv[1:]
ours = json.load(open(ours_file))
theirs = json.load(open(theirs_file))
version_names = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLSv1.0": "TLS1", "TLSv1.1": "TLS1_1", "TLSv1.2": "TLS1_2", "TLSv1.3": "TLS1_3"}
ours_pairs = {(p["version"], s["name"]) for p in ours["protocols"] if p["accepted"] for s in p["cipher_suites"]}
ours_versions = {p["version"] for p in ours["protocols"] if p["accepted"]}
if ours.get("sslv2", {}).get("accepted"):  # our SSLv2 hello (testssl -p asks too)
    ours_versions.add("SSLv2")
theirs_pairs, theirs_versions = set(), set()
by_id = {e["id"]: e["finding"] for e in theirs}
for ours_name, their_id in version_names.items():
    if by_id.get(their_id, "").startswith("offered"):
        theirs_versions.add(ours_name)
for entry in theirs:
    if entry["id"].startswith("cipher-tls") or entry["id"].startswith("cipher-ssl"):
        fields = entry["finding"].split()
        proto = {"TLS 1": "TLSv1.0", "TLS 1.1": "TLSv1.1", "TLS 1.2": "TLSv1.2", "TLS 1.3": "TLSv1.3", "SSLv3": "SSLv3"}
        version = " ".join(fields[0:2]) if fields[0] == "TLS" else fields[0]
        theirs_pairs.add((proto.get(version, version), fields[-1]))
only_ours = sorted(ours_pairs - theirs_pairs)
only_theirs = sorted(theirs_pairs - ours_pairs)
ratio = float(theirs_s) / float(ours_s)
same = "yes" if ours_versions == theirs_versions else f"no: {sorted(ours_versions)} / {sorted(theirs_versions)}"
diff = "; ".join([f"only en18031: {v} {s}" for v, s in only_ours] + [f"only testssl: {v} {s}" for v, s in only_theirs]) or "none"
print(f"| {name} | {', '.join(sorted(ours_versions))} | {same} | {len(ours_pairs)} / {len(theirs_pairs)} | {diff} | {float(ours_s):.2f} | {float(theirs_s):.1f} | {ratio:.0f}x |")
PY
}

run_one() {  # name, port
  local name=$1 port=$2
  local start end ours theirs
  start=$(date +%s.%N)
  "$binary" --catalogue "$source_dir/catalogue" probe tls "localhost:$port" --ca ca.pem -o "$work/out-$port" \
    --force >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  ours=$(echo "$end - $start" | bc)
  start=$(date +%s.%N)
  testssl --quiet --color 0 --warnings off -p -E --jsonfile "$work/testssl-$port.json" "127.0.0.1:$port" \
    >"$work/testssl-$port.txt" 2>&1 || true
  end=$(date +%s.%N)
  theirs=$(echo "$end - $start" | bc)
  compare "$name" "$work/out-$port/results.json" "$work/testssl-$port.json" "$ours" "$theirs"
}

echo "| Server | Versions (en18031) | Same versions as testssl | Suites en18031 / testssl | Differences | en18031 s | testssl s | Ratio |"
echo "|---|---|---|---|---|---|---|---|"
p=$(free_port); start_s_server "$p" -tls1_3 -cert good.pem -key good.key -groups X25519:P-256:P-384; run_one "s_server TLS 1.3 only" "$p"
p=$(free_port); start_s_server "$p" -tls1 -cipher 'AES128-SHA:@SECLEVEL=0' -cert rsa.pem -key rsa.key; run_one "s_server TLS 1.0, AES128-SHA, SECLEVEL 0" "$p"
p=$(free_port); start_s_server "$p" -cipher 'DEFAULT:@SECLEVEL=0' -cert weak.pem -key weak.key; run_one "s_server RSA-1024/SHA-1, SECLEVEL 0" "$p"
p=$(free_port); start_s_server "$p" -Verify 1 -CAfile ca.pem -cert good.pem -key good.key; run_one "s_server client certificate required" "$p"
p=$(free_port); start_nginx "$p"; run_one "nginx 1.22, typical configuration" "$p"
