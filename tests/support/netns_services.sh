# Sourced by tests/e2e/probe_ports_test.sh and bench/ports_bench.sh: the same bench device, inside a network
# namespace of its own, for the port probe's test and its benchmark against nmap.
#   enter_private_netns "$0" "$@"    re-runs the calling script in a new network namespace (unshare -n), so
#                                    nothing it sends leaves it and the host's own ports are never scanned
#   start_bench_services WORK HOST   puts HOST (198.18.0.0/15, never a private range) on the namespace's
#                                    loopback and starts there, with their files in WORK: python3 http.server
#                                    (tcp/8080), dropbear (tcp/2222), mosquitto (tcp/1883) and libcoap's
#                                    coap-server (udp/5683 and tcp/5683). Their process ids are appended to
#                                    the caller's `pids` array (the caller kills them); returns 1 when one is
#                                    not accepting connections within 10 s.

enter_private_netns() {
  if [[ "${EN18031_IN_NETNS:-}" != 1 ]]; then
    exec env EN18031_IN_NETNS=1 unshare -n bash "$@"
  fi
}

start_bench_services() {
  local work=$1 host=$2 port
  ip link set lo up
  ip addr add "$host/32" dev lo
  mkdir "$work/www"
  echo hello >"$work/www/index.html"
  python3 -m http.server 8080 --bind "$host" --directory "$work/www" >/dev/null 2>&1 &
  pids+=($!)
  dropbearkey -t ed25519 -f "$work/host_key" >/dev/null 2>&1
  dropbear -F -E -s -r "$work/host_key" -p "$host:2222" -P "$work/dropbear.pid" >/dev/null 2>&1 &
  pids+=($!)
  printf 'listener 1883 %s\nallow_anonymous true\n' "$host" >"$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &
  pids+=($!)
  coap-server-notls -A "$host" -p 5683 >/dev/null 2>&1 &
  pids+=($!)
  for port in 8080 2222 1883 5683; do
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
      sleep 0.1
    done
    if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      echo "server on $host port $port did not start" >&2
      return 1
    fi
  done
}
