#!/usr/bin/env bash
# en18031 probe login against targets this test starts on 127.0.0.1 free ports and stops: the reference
# limiter service (examples/limiter-service: increasing delay, lockout per account and source: the PASS
# case), lighttpd with basic authentication (a constant delay of a second per wrong password), mosquitto
# with a password file and nginx with basic authentication (no limiter: the FAIL cases).
# Asserts the measured profile (slowdown, lockout, scope, owner) and the exit codes; each case is bounded
# by small --max-attempts and --max-seconds.
#   probe_login_test.sh EN18031 LIMITER_SERVICE
set -euo pipefail
program=$1
limiter=$2
fail() { echo "probe_login_test: $*" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # PORT: up within 10 s
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    sleep 0.1
  done
  fail "nothing listens on port $1"
}
printf 's3cret-owner\n' >"$work/password"
chmod 644 "$work/password"

# --dry-run sends nothing.
out=$("$program" probe login mqtt 127.0.0.1:1 --user admin --max-attempts 5 --max-seconds 10 -o "$work/dry" --dry-run)
[[ "$out" == "en18031 probe login will send to 127.0.0.1:1 only:
  one request without credentials to 127.0.0.1:1, to time an answer that checks no password
  MQTT 3.1.1 CONNECT with user name and password to 127.0.0.1:1: up to 5 attempts as user \"admin\" with generated wrong passwords (en18031-wrong-<random>), at most 10 s, stopping at the first lockout
  after a lockout: one attempt as a generated user name (en18031-probe-<random>), to see its scope
dry run: nothing sent" ]] || fail "dry run printed: $out"
[[ ! -e "$work/dry" ]] || fail "dry run wrote outputs"

# PASS: the reference service. Free attempts 3, then 250, 500, 1000, 2000 ms, lockout at the 8th.
"$limiter" --listen 127.0.0.1:0 --user admin --password-file "$work/password" >"$work/limiter.out" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$work/limiter.out" ]] && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/limiter.out")
[[ -n $port ]] || fail "limiter service did not start"
"$program" probe login http-basic 127.0.0.1:$port --user admin --password-file "$work/password" --max-attempts 12 \
  --max-seconds 30 -o "$work/limiter" >"$work/stdout" || fail "limiter: exit $?"
grep -qx 'limiter: limited attempts and time delay; 8 wrong attempts; first slowdown: 4; first lockout: 8; other account locked: no; right password accepted: no' \
  "$work/stdout" || fail "limiter profile: $(cat "$work/stdout")"
# The owner keeps access from their own address while the probe's is locked out.
code=$(python3 - "$port" <<'PY'
import base64, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), source_address=("127.0.0.2", 0))
token = base64.b64encode(b"admin:s3cret-owner").decode()
s.sendall(f"GET / HTTP/1.0\r\nAuthorization: Basic {token}\r\n\r\n".encode())
print(s.recv(100).split(b" ")[1].decode())
PY
)
[[ $code == 200 ]] || fail "owner from another address got $code"
python3 - "$work/limiter" <<'PY' || fail "limiter outputs"
import json, sys
out = sys.argv[1]
results = json.load(open(f"{out}/results.json"))
assert results["limiter"]["first_slowdown"] == 4 and results["limiter"]["first_lockout"] == 8, results["limiter"]
curve = results["limiter"]["delay_curve"]
assert len(curve) == 8 and 0.24 < curve[3] < 0.6 and 0.48 < curve[4] < 0.9 and 1.9 < curve[6] < 2.6, curve
assert "s3cret" not in open(f"{out}/results.json").read() + open(f"{out}/evidence.json").read()
checks = {c["id"]: c for c in json.load(open(f"{out}/evidence.json"))["checks"]}
assert [checks[c]["result"] for c in ("brute-force-limited", "delay-enforced", "attempts-limited", "owner-keeps-access")] == \
    ["pass", "pass", "pass", "inconclusive"], checks
assert checks["attempts-limited"]["document_how"] == ["IC.AUM-6.LimitedAttempts:attempt-counter"]
PY

# FAIL: mosquitto with a password file answers every wrong password at once, and the owner still gets in.
port=$(free_port)
mosquitto_passwd -b -c "$work/mosquitto.passwd" admin s3cret-owner
chmod 644 "$work/mosquitto.passwd"
printf 'listener %s 127.0.0.1\nallow_anonymous false\npassword_file %s\n' "$port" "$work/mosquitto.passwd" \
  >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login mqtt 127.0.0.1:$port --user admin --password-file "$work/password" --max-attempts 15 \
  --max-seconds 20 -o "$work/mosquitto" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "mosquitto: exit $status: $(cat "$work/stderr")"
grep -qx 'limiter: none seen; 15 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes' \
  "$work/stdout" || fail "mosquitto profile: $(cat "$work/stdout")"
grep -qE '^en18031: FAIL: 15 wrong passwords for "admin" over mqtt: every one answered at full speed \(about [0-9.]+ s\), none refused$' \
  "$work/stderr" || fail "mosquitto stderr: $(cat "$work/stderr")"

# lighttpd with basic authentication delays every wrong password by a second: a time
# delay, no lockout, the owner still gets in.
port=$(free_port)
mkdir "$work/www"
echo hello >"$work/www/index.html"
printf 'admin:s3cret-owner\n' >"$work/lighttpd.users"
cat >"$work/lighttpd.conf" <<CONF
server.modules = ("mod_auth", "mod_authn_file")
server.document-root = "$work/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$work/lighttpd.err"
auth.backend = "plain"
auth.backend.plain.userfile = "$work/lighttpd.users"
auth.require = ("/" => ("method" => "basic", "realm" => "bench", "require" => "valid-user"))
CONF
lighttpd -D -f "$work/lighttpd.conf" >/dev/null 2>&1 &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login http-basic 127.0.0.1:$port --path /index.html --user admin --password-file "$work/password" --max-attempts 5 \
  --max-seconds 20 -o "$work/lighttpd" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 0 ]] || fail "lighttpd: exit $status: $(cat "$work/stderr")"
grep -qx 'limiter: time delay; 5 wrong attempts; first slowdown: 1; first lockout: none; other account locked: not tried; right password accepted: yes' \
  "$work/stdout" || fail "lighttpd profile: $(cat "$work/stdout")"
# FAIL: nginx with basic authentication answers every wrong password at once.
port=$(free_port)
mkdir -p "$work/nginx"
printf 'admin:%s\n' "$(openssl passwd -apr1 s3cret-owner)" >"$work/nginx.users"
chmod 644 "$work/nginx.users"
cat >"$work/nginx.conf" <<CONF
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    auth_basic "bench";
    auth_basic_user_file $work/nginx.users;
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" >/dev/null 2>&1 &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login http-basic 127.0.0.1:$port --path /index.html --user admin --password-file "$work/password" \
  --max-attempts 15 --max-seconds 20 -o "$work/nginx-out" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "nginx: exit $status: $(cat "$work/stderr")"
grep -qx 'limiter: none seen; 15 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes' \
  "$work/stdout" || fail "nginx profile: $(cat "$work/stdout")"
echo "probe_login_test: ok"
