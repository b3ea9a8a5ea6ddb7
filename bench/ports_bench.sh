#!/usr/bin/env bash
# `probe ports` side by side with nmap 7.93 in ONE hyperfine run, against the same servers in a network
# namespace (never the host's own ports; the bench device of tests/support/netns_services.sh): every TCP
# port (`en18031 probe ports --udp none` vs `nmap -sT -p-`) and the UDP probe list (`--tcp none` vs
# `nmap -sU -sV` on the same ports). Before timing, each command runs once and its findings are printed, so
# that "same open ports / same services" can be checked. With a second binary (an earlier build), its TCP
# run is timed in the same hyperfine run too (before/after).
#   bench/ports_bench.sh EN18031_BINARY [EARLIER_EN18031_BINARY]   (as root; Release builds)
#   RUNS=N (default 5) timed runs of each command.
set -euo pipefail
binary="$(realpath "$1")"
earlier="${2:+$(realpath "$2")}"
source "$(dirname "$(realpath "$0")")/../tests/support/netns_services.sh"
enter_private_netns "$0" "$@"
runs=${RUNS:-5}
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
start_bench_services "$work" $host

udp_ports=5683,5684,53,5353,161,1900,123,69
ours_tcp="$binary probe ports $host --udp none --force -o $work/tcp"
nmap_tcp="nmap -sT -p- -n -Pn $host -oG $work/nmap-tcp.txt"
ours_udp="$binary probe ports $host --tcp none --force -o $work/udp"
nmap_udp="nmap -sU -sV -p $udp_ports -n -Pn $host -oG $work/nmap-udp.txt"

echo "== findings (one run of each)"
$ours_tcp >"$work/tcp.out" 2>&1 || true
$nmap_tcp >/dev/null
$ours_udp >"$work/udp.out" 2>&1 || true
$nmap_udp >/dev/null
echo "en18031 TCP: $(grep -E '^tcp/' "$work/tcp.out" | tr '\n' ';')"
echo "             $(grep -E '^TCP scan' "$work/tcp.out")"
echo "nmap TCP:    $(grep -o '[0-9]*/open/tcp//[^/]*' "$work/nmap-tcp.txt" | sed 's|/open/tcp//| |' | tr '\n' ' ')"
echo "en18031 UDP: $(grep -E '^udp/' "$work/udp.out" | tr '\n' ';')"
echo "nmap UDP:    $(grep -o '[0-9]*/open[^/]*/udp//[^/]*/[^/]*' "$work/nmap-udp.txt" | tr '\n' ' ')"
if [[ -n "$earlier" ]]; then
  "$earlier" probe ports $host --udp none --force -o "$work/tcp-earlier" >"$work/tcp-earlier.out" 2>&1 || true
  echo "earlier TCP: $(grep -E '^tcp/' "$work/tcp-earlier.out" | tr '\n' ';')"
  echo "             $(grep -E '^TCP scan' "$work/tcp-earlier.out")"
fi

echo "== timed: hyperfine, $runs runs each, one warm-up"
commands=(-n "en18031 TCP all ports" "$ours_tcp" -n "nmap -sT -p-" "$nmap_tcp")
[[ -n "$earlier" ]] && commands+=(-n "earlier en18031 TCP all ports" "$earlier probe ports $host --udp none --force -o $work/tcp-earlier")
commands+=(-n "en18031 UDP list" "$ours_udp" -n "nmap -sU -sV (same ports)" "$nmap_udp")
# Exit 1 (an undeclared service) is a finding, not a failure of the run.
hyperfine -N -i -w 1 -r "$runs" --export-markdown "$work/hyperfine.md" "${commands[@]}"
cat "$work/hyperfine.md"
