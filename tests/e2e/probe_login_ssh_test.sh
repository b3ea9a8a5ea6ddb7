#!/usr/bin/env bash
# en18031 probe login ssh against dropbear and OpenSSH's sshd, each started by this test on a free
# 127.0.0.1 port with a host key made here. Their password check needs a system account: each server runs
# in a mount namespace of its own (unshare -m) where copies of /etc/passwd, /etc/shadow and /etc/group with
# a throwaway account are mounted over the real ones, so the machine's users are never changed. Asserts the
# measured profiles (slowdown, lockout, the server's limit per connection, the owner) and the exit codes.
#   probe_login_ssh_test.sh EN18031
set -euo pipefail
program=$1
fail() { echo "probe_login_ssh_test: $*" >&2; exit 1; }
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
# The throwaway account, only inside the servers' mount namespaces.
account=en18031probe
cp /etc/passwd "$work/passwd"
cp /etc/shadow "$work/shadow"
cp /etc/group "$work/group"
grep -q "^$account:" "$work/passwd" && fail "the account $account exists on this machine"
echo "$account:x:64999:64999:en18031 probe test:/nonexistent:/bin/sh" >>"$work/passwd"
echo "$account:$(openssl passwd -6 s3cret-owner):19000:0:99999:7:::" >>"$work/shadow"
echo "$account:x:64999:" >>"$work/group"
printf 's3cret-owner\n' >"$work/password"
in_namespace() {  # COMMAND...: run with the throwaway account's files mounted over /etc's, and a /run of its own
  exec unshare -m sh -c 'mount --bind "$0/passwd" /etc/passwd && mount --bind "$0/shadow" /etc/shadow &&
    mount --bind "$0/group" /etc/group && mount -t tmpfs tmpfs /run && mkdir -m 755 /run/sshd && exec "$@"' \
    "$work" "$@"
}

# --dry-run sends nothing.
out=$("$program" probe login ssh 127.0.0.1:1 --user $account --max-attempts 5 --max-seconds 10 -o "$work/dry" --dry-run)
[[ "$out" == "en18031 probe login will send to 127.0.0.1:1 only:
  one SSH connection to 127.0.0.1:1 with the \"none\" method, to time an answer that checks no password
  SSH password authentication (libssh; the host key is not checked), on one connection until the server closes it to 127.0.0.1:1: up to 5 attempts as user \"$account\" with generated wrong passwords (en18031-wrong-<random>), at most 10 s, stopping at the first lockout
  after a lockout: one attempt as a generated user name (en18031-probe-<random>), to see its scope
dry run: nothing sent" ]] || fail "dry run printed: $out"
[[ ! -e "$work/dry" ]] || fail "dry run wrote outputs"

# dropbear delays every failed password by about 300 ms (a time delay, no lockout) and closes a connection
# at the 10th failure on it; the owner still gets in.
port=$(free_port)
dropbearkey -t ed25519 -f "$work/dropbear_key" >/dev/null 2>&1
in_namespace dropbear -F -E -r "$work/dropbear_key" -p 127.0.0.1:$port -P "$work/dropbear.pid" 2>"$work/dropbear.log" &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login ssh 127.0.0.1:$port --user $account --password-file "$work/password" --max-attempts 12 \
  --max-seconds 40 -o "$work/dropbear" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 0 ]] || fail "dropbear: exit $status: $(cat "$work/stderr") $(cat "$work/dropbear.log")"
grep -qx 'limiter: time delay; 12 wrong attempts; first slowdown: 1; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "dropbear profile: $(cat "$work/stdout")"
python3 - "$work/dropbear" <<'PY' || fail "dropbear outputs"
import json, sys
out = sys.argv[1]
results = json.load(open(f"{out}/results.json"))
limiter = results["limiter"]
assert limiter["per_connection_limit"] == 10, limiter
assert all(0.2 < s < 1.0 for s in limiter["delay_curve"]), limiter["delay_curve"]
assert [a["number"] for a in results["attempts"] if a["connection_closed"]] == [10], results["attempts"]
assert "s3cret" not in open(f"{out}/results.json").read() + open(f"{out}/evidence.json").read() + open(f"{out}/summary.md").read()
assert "- Server closed the connection at wrong attempt: 10\n" in open(f"{out}/summary.md").read()
checks = {c["id"]: c["result"] for c in json.load(open(f"{out}/evidence.json"))["checks"]}
assert checks == {"brute-force-limited": "pass", "delay-enforced": "pass", "attempts-limited": "inconclusive",
                  "owner-keeps-access": "pass", "lockout-resets": "inconclusive"}, checks
PY

# FAIL: OpenSSH answers every failed password at once and only closes a connection at MaxAuthTries (6): a
# guesser opens the next one. The owner still gets in.
port=$(free_port)
ssh-keygen -q -t ed25519 -N '' -f "$work/sshd_key"
cat >"$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/sshd_key
PidFile $work/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
MaxAuthTries 6
AuthorizedKeysFile none
CONF
in_namespace /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
pids+=($!)
wait_for "$port"
status=0
"$program" probe login ssh 127.0.0.1:$port --user $account --password-file "$work/password" --max-attempts 15 \
  --max-seconds 40 -o "$work/openssh" >"$work/stdout" 2>"$work/stderr" || status=$?
[[ $status == 1 ]] || fail "openssh: exit $status: $(cat "$work/stderr") $(cat "$work/sshd.log")"
grep -qx 'limiter: none seen; 15 wrong attempts; first slowdown: none; first lockout: none; other account locked: not tried; right password accepted: yes; time to reset: not tried' \
  "$work/stdout" || fail "openssh profile: $(cat "$work/stdout")"
grep -qE '^en18031: FAIL: 15 wrong passwords for "en18031probe" over ssh: every one answered at full speed \(about [0-9.]+ s\), none refused$' \
  "$work/stderr" || fail "openssh stderr: $(cat "$work/stderr")"
python3 - "$work/openssh/results.json" <<'PY' || fail "openssh outputs"
import json, sys
results = json.load(open(sys.argv[1]))
assert results["limiter"]["per_connection_limit"] == 6, results["limiter"]
# Each connection carries six failures; the sixth is closed and tried again on the next connection.
assert [a["number"] for a in results["attempts"] if a["connection_closed"]] == [6, 11], results["attempts"]
PY
# The machine's account files were never changed.
! grep -q "^$account:" /etc/passwd || fail "the throwaway account leaked into /etc/passwd"
echo "probe_login_ssh_test: ok"
