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
out=$("$program" probe login http-digest 127.0.0.1:1 --user admin --password-file "$work/password" --path /x --max-attempts 5 --max-seconds 10 -o "$work/dry" --dry-run)
[[ "$out" == "en18031 probe login will send to 127.0.0.1:1 only:
  one request without credentials to 127.0.0.1:1, to time an answer that checks no password
  HTTP GET /x without credentials for the Digest challenge, then with Digest authentication to 127.0.0.1:1: up to 5 attempts as user \"admin\" with generated wrong passwords (en18031-wrong-<random>), at most 10 s, stopping at the first lockout
  after a lockout: one attempt as a generated user name (en18031-probe-<random>), to see its scope
  then one attempt with the right password of \"admin\" (from --password-file)
  if it is refused during a lockout: the right password again every 1 s until it is accepted (the time to reset), within the 10 s
dry run: nothing sent" ]] || fail "digest dry run printed: $out"
[[ ! -e "$work/dry" ]] || fail "dry run wrote outputs"
# An output folder that cannot be made is reported before anything is sent (nothing listens on port 1).
echo "a file" >"$work/not-a-folder"
status=0
"$program" probe login mqtt 127.0.0.1:1 --user admin --max-attempts 5 --max-seconds 10 \
  -o "$work/not-a-folder/out" >/dev/null 2>"$work/stderr" || status=$?
[[ $status == 2 ]] || fail "unwritable output: exit $status"
[[ "$(cat "$work/stderr")" == "en18031: cannot create $work/not-a-folder/out: Not a directory" ]] ||
  fail "unwritable output: $(cat "$work/stderr")"

# PASS: the reference service. Free attempts 3, then 250, 500, 1000, 2000 ms, lockout at the 8th for 3 s.
"$limiter" --listen 127.0.0.1:0 --user admin --password-file "$work/password" --lockout-seconds 3 >"$work/limiter.out" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$work/limiter.out" ]] && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/limiter.out")
[[ -n $port ]] || fail "limiter service did not start"
"$program" probe login http-basic 127.0.0.1:$port --user admin --password-file "$work/password" --max-attempts 12 \
  --max-seconds 30 -o "$work/limiter" >"$work/stdout" || fail "limiter: exit $?"
grep -qxE 'limiter: limited attempts and time delay; 8 wrong attempts; first slowdown: 4; first lockout: 8; other account locked: no; right password accepted: no; time to reset: [34] s' \
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
# The lockout lasts 3 s from the 8th attempt; the right password is retried every second after it.
reset = results["limiter"]["reset_seconds"]
assert 3.0 <= reset < 4.6, reset
assert checks["lockout-resets"]["result"] == "pass", checks["lockout-resets"]
roles = [a["role"] for a in results["attempts"]]
assert roles[:11] == ["reference"] + ["wrong"] * 8 + ["other-account", "owner"] and set(roles[11:]) == {"reset"}, roles
assert [a["outcome"] for a in results["attempts"] if a["role"] == "reset"][-1] == "accepted"
PY

# The same service's HTML form login, recognised by the user's rules, measures the same profile.
"$program" probe login http-form 127.0.0.1:$port --form-url /login --user admin --password-file "$work/password" \
  --success status:303 --failure 'body:Login failed' --locked status:429 --max-attempts 12 --max-seconds 30 \
  -o "$work/limiter-form" >"$work/stdout" || fail "limiter form: exit $?"
grep -qxE 'limiter: limited attempts and time delay; 8 wrong attempts; first slowdown: 4; first lockout: 8; other account locked: no; right password accepted: no; time to reset: [34] s' \
  "$work/stdout" || fail "limiter form profile: $(cat "$work/stdout")"

# FAIL: a form login without a limiter (python3's http.server): every wrong password answered at once.
port=$(free_port)
cat >"$work/form_server.py" <<'PY'
import http.server, sys, urllib.parse
class Login(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        right = fields.get("user") == ["admin"] and fields.get("pass") == ["s3cret-owner"]
        self.send_response(302 if right else 200)
        if right:
            self.send_header("Location", "/welcome")
        self.send_header("Set-Cookie", "session=1" if right else "session=")
        self.end_headers()
        self.wfile.write(b"" if right else b"<p>Wrong user name or password</p>")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Login).serve_forever()
PY
python3 "$work/form_server.py" "$port" &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login http-form 127.0.0.1:$port --form-url /cgi-bin/login --user-field user --password-field pass \
  --user admin --password-file "$work/password" --success 'header:Location: /welcome' --failure 'body:Wrong user name' \
  --max-attempts 12 --max-seconds 20 -o "$work/form" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "form: exit $status: $(cat "$work/stderr")"
grep -qx 'limiter: none seen; 12 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "form profile: $(cat "$work/stdout")"
# Rules are checked before they are used.
status=0
"$program" probe login http-form 127.0.0.1:$port --form-url /login --user admin --success status:30 --failure body:x \
  -o "$work/form-bad" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 2 ]] || fail "bad rule: exit $status"
grep -qx 'en18031: rule "status:30" is not status:CODE (three digits), header:TEXT or body:TEXT' "$work/stderr" ||
  fail "bad rule: $(cat "$work/stderr")"

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
grep -qx 'limiter: none seen; 15 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "mosquitto profile: $(cat "$work/stdout")"
grep -qE '^en18031: FAIL: 15 wrong passwords for "admin" over mqtt: every one answered at full speed \(about [0-9.]+ s\), none refused$' \
  "$work/stderr" || fail "mosquitto stderr: $(cat "$work/stderr")"

# lighttpd with basic authentication delays every wrong password by a second: a time
# delay, no lockout, the owner still gets in.
port=$(free_port)
mkdir -p "$work/www/md5" "$work/www/sha256"
echo hello | tee "$work/www/index.html" "$work/www/md5/index.html" >"$work/www/sha256/index.html"
printf 'admin:s3cret-owner\n' >"$work/lighttpd.users"
cat >"$work/lighttpd.conf" <<CONF
server.modules = ("mod_auth", "mod_authn_file")
server.document-root = "$work/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$work/lighttpd.err"
auth.backend = "plain"
auth.backend.plain.userfile = "$work/lighttpd.users"
auth.require = ("/md5/" => ("method" => "digest", "realm" => "bench", "require" => "valid-user", "algorithm" => "MD5"),
                "/sha256/" => ("method" => "digest", "realm" => "bench", "require" => "valid-user", "algorithm" => "SHA-256"),
                "/" => ("method" => "basic", "realm" => "bench", "require" => "valid-user"))
CONF
lighttpd -D -f "$work/lighttpd.conf" >/dev/null 2>&1 &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login http-basic 127.0.0.1:$port --path /index.html --user admin --password-file "$work/password" --max-attempts 5 \
  --max-seconds 20 -o "$work/lighttpd" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 0 ]] || fail "lighttpd: exit $status: $(cat "$work/stderr")"
grep -qx 'limiter: time delay; 5 wrong attempts; first slowdown: 1; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "lighttpd profile: $(cat "$work/stdout")"
# The same delay with digest authentication, MD5 and SHA-256 (RFC 7616).
for algorithm in md5 sha256; do
  status=0
  "$program" probe login http-digest 127.0.0.1:$port --path /$algorithm/index.html --user admin --password-file "$work/password" \
    --max-attempts 4 --max-seconds 20 -o "$work/lighttpd-$algorithm" >"$work/stdout" 2>"$work/stderr" || status=$?
  [[ $status == 0 ]] || fail "lighttpd digest $algorithm: exit $status: $(cat "$work/stderr")"
  grep -qx 'limiter: time delay; 4 wrong attempts; first slowdown: 1; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
    "$work/stdout" || fail "lighttpd digest $algorithm profile: $(cat "$work/stdout")"
done
# A page with basic authentication only has no Digest challenge: an error, not a lockout.
status=0
"$program" probe login http-digest 127.0.0.1:$port --path /index.html --user admin --max-attempts 4 --max-seconds 20 \
  -o "$work/lighttpd-not-digest" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 2 ]] || fail "digest against basic: exit $status"
grep -qx 'en18031: 127.0.0.1:'$port'/index.html: the answer has no Digest challenge in a WWW-Authenticate header' \
  "$work/stderr" || fail "digest against basic: $(cat "$work/stderr")"
[[ ! -e "$work/lighttpd-not-digest/results.json" ]] || fail "digest against basic wrote results"
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
grep -qx 'limiter: none seen; 15 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "nginx profile: $(cat "$work/stdout")"
echo "probe_login_test: ok"
