#!/usr/bin/env bash
# `probe ports` side by side with nmap 7.93, in one run, against the same servers in a network namespace
# (never the host's own ports): every TCP port (`en18031 probe ports --udp none` vs `nmap -sT -p-`), then
# the UDP probe list (`--tcp none` vs `nmap -sU -sV` on the same ports). Prints both times, their ratio,
# and both sets of findings so that "same open ports / same services" can be checked.
#   bench/ports_bench.sh EN18031_BINARY      (as root; a Release build)
set -euo pipefail
binary="$(realpath "$1")"
if [[ "${EN18031_IN_NETNS:-}" != 1 ]]; then
  exec env EN18031_IN_NETNS=1 unshare -n bash "$0" "$@"
fi
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
ip link set lo up
ip addr add $host/32 dev lo
mkdir "$work/www"
echo hello >"$work/www/index.html"
python3 -m http.server 8080 --bind $host --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)
dropbearkey -t ed25519 -f "$work/host_key" >/dev/null 2>&1
dropbear -F -E -s -r "$work/host_key" -p $host:2222 -P "$work/dropbear.pid" >/dev/null 2>&1 &
pids+=($!)
printf 'listener 1883 %s\nallow_anonymous true\n' $host >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &
pids+=($!)
coap-server-notls -A $host -p 5683 >/dev/null 2>&1 &
pids+=($!)
sleep 1

now() { date +%s.%N; }
echo "== TCP: all 65,535 ports"
start=$(now)
"$binary" probe ports $host --udp none -o "$work/tcp" >"$work/tcp.out" 2>&1 || true
ours=$(echo "$(now) - $start" | bc)
start=$(now)
nmap -sT -p- -n -Pn $host -oG "$work/nmap-tcp.txt" >/dev/null
theirs=$(echo "$(now) - $start" | bc)
echo "en18031: $(grep -E '^tcp/' "$work/tcp.out" | cut -d: -f1 | tr '\n' ' ')"
echo "nmap:    $(grep -o '[0-9]*/open/tcp//[^/]*' "$work/nmap-tcp.txt" | sed 's|/open/tcp//| |' | tr '\n' ' ')"
printf 'en18031 %.2f s (with banners), nmap -sT -p- %.2f s, ratio nmap/en18031 %.1f\n' "$ours" "$theirs" \
  "$(echo "$theirs / $ours" | bc -l)"

udp_ports=5683,5684,53,5353,161,1900,123,69
echo "== UDP: the probe list ($udp_ports)"
start=$(now)
"$binary" probe ports $host --tcp none -o "$work/udp" >"$work/udp.out" 2>&1 || true
ours=$(echo "$(now) - $start" | bc)
start=$(now)
nmap -sU -sV -p $udp_ports -n -Pn $host -oG "$work/nmap-udp.txt" >/dev/null
theirs=$(echo "$(now) - $start" | bc)
echo "en18031: $(grep -E '^udp/' "$work/udp.out" | cut -d: -f1 | tr '\n' ' ')"
echo "nmap:    $(grep -o '[0-9]*/open/udp//[^/]*' "$work/nmap-udp.txt" | sed 's|/open/udp//| |' | tr '\n' ' ')"
printf 'en18031 %.2f s, nmap -sU -sV %.2f s, ratio nmap/en18031 %.1f\n' "$ours" "$theirs" \
  "$(echo "$theirs / $ours" | bc -l)"
