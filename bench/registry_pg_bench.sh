#!/usr/bin/env bash
# Provisioning into a PostgreSQL registry beside the same run into SQLite, one station and two at once,
# then fleet check of a 1 M-device registry on both backends, all in one run (the machine is noisy: compare
# within a run).
#   bench/registry_pg_bench.sh EN18031_BINARY [DEVICES_PER_STATION] [FLEET_DEVICES]
# The PostgreSQL 15 server is started here (initdb into a scratch folder, a Unix socket only, durable:
# fsync and synchronous_commit on, as a factory would run it) and stopped at the end. As root it runs as
# the postgres system user.
set -euo pipefail
binary="$(realpath "$1")"
devices="${2:-50000}"
fleet_devices="${3:-1000000}"
pg_bin=/usr/lib/postgresql/15/bin
work="$(mktemp -d /tmp/en18031-pg-bench.XXXXXX)"
as_server=()
if [[ $(id -u) == 0 ]]; then
  as_server=(runuser -u postgres --)
  chown postgres: "$work"
fi
cleanup() {
  "${as_server[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

"${as_server[@]}" "$pg_bin/initdb" -D "$work/data" -U en18031 -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_server[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories=$work -c shared_buffers=512MB -c max_wal_size=4GB" \
  start >/dev/null
psql() { "$pg_bin/psql" -X -q -A -t -h "$work" -U en18031 "$@"; }
locator() { echo "postgresql:///$1?host=$work&user=en18031"; }

echo "bench passphrase for the CA key" >passphrase
"$binary" registry keygen registry.key >/dev/null
"$binary" ca init --ca-cert ca.pem --ca-key ca.key --ca-passphrase-file passphrase \
  --common-name "Bench Manufacturing CA" --days 7300 >/dev/null
cat >recipe.yaml <<'RECIPE'
product: Bench device
certificate: {organization: Bench, validity_days: 3650}
psk: {bits: 256, identity: "bench-{serial}"}
password: {method: random, length: 12, min_entropy_bits: 50}
RECIPE

# provision REGISTRY FIRST LOG: one station's run of $devices devices.
provision() {
  "$binary" provision -q --recipe recipe.yaml --registry "$1" --registry-key-file registry.key \
    --ca-cert ca.pem --ca-key ca.key --ca-passphrase-file passphrase --first "$2" --count "$devices" >"$3" 2>&1
}
# stations NAME REGISTRY COUNT: COUNT stations at once, distinct ranges; prints devices/s summed.
stations() {
  local name=$1 registry=$2 count=$3 pids=() start end
  start=$(date +%s.%N)
  for ((i = 0; i < count; i++)); do
    provision "$registry" "$(printf 'S%d-0000000' "$i")" "$name-$i.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  end=$(date +%s.%N)
  for ((i = 0; i < count; i++)); do
    grep -q "provisioned $devices devices" "$name-$i.log" || { cat "$name-$i.log"; exit 1; }
  done
  awk -v n="$((devices * count))" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f devices/s (%d devices in %.1f s)", n / (b - a), n, b - a }'
}

psql -d postgres -c "CREATE DATABASE one" -c "CREATE DATABASE two" -c "CREATE DATABASE fleet"
echo "| registry | stations | devices | summed devices/s |"
echo "| --- | --- | --- | --- |"
echo "| SQLite (file) | 1 | $devices | $(stations sqlite1 sqlite1.db 1) |"
echo "| PostgreSQL 15 (Unix socket) | 1 | $devices | $(stations pg1 "$(locator one)" 1) |"
echo "| SQLite (file) | 2 | $((2 * devices)) | $(stations sqlite2 sqlite2.db 2) |"
echo "| PostgreSQL 15 (Unix socket) | 2 | $((2 * devices)) | $(stations pg2 "$(locator two)" 2) |"
[[ "$(psql -d two -c 'SELECT count(DISTINCT serial) = count(*) AND count(*) = '"$((2 * devices))"' FROM devices')" == t ]]

# Fleet check of $fleet_devices devices on each backend. The rows are made by SQL in the registry's own
# schema (a PSK with its identity and tag, a password with its tag and estimate; distinct values), in a
# registry en18031 created, so the check reads them as it reads provisioned ones.
"$binary" provision -q --recipe recipe.yaml --registry "$(locator fleet)" --registry-key-file registry.key \
  --ca-cert ca.pem --ca-key ca.key --ca-passphrase-file passphrase --first SEED-0 --count 1 >/dev/null
cp sqlite1.db fleet.db
sqlite3 fleet.db "DELETE FROM devices WHERE serial <> (SELECT min(serial) FROM devices)"  # one provisioned device, as in PostgreSQL
fill_start=$(date +%s.%N)
psql -d fleet -c "INSERT INTO devices (serial, run_id, created, psk_identity, psk_sealed, psk_tag, password_sealed,
  password_tag, password_entropy_bits, password_method)
  SELECT 'F' || lpad(i::text, 9, '0'), 1, '2026-12-03T00:00:00Z', 'id-' || i, '\\x00', sha256(('psk' || i)::bytea),
         '\\x00', sha256(('pw' || i)::bytea), 50 + (i % 30), 'random' FROM generate_series(1, $fleet_devices) i"
fill_end=$(date +%s.%N)
sqlite3 fleet.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $fleet_devices)
  INSERT INTO devices (serial, run_id, created, psk_identity, psk_sealed, psk_tag, password_sealed, password_tag,
  password_entropy_bits, password_method)
  SELECT 'F' || printf('%09d', i), 1, '2026-12-03T00:00:00Z', 'id-' || i, x'00', randomblob(32), x'00',
         randomblob(32), 50 + (i % 30), 'random' FROM n"
psql -d fleet -c "VACUUM ANALYZE devices"
echo
echo "filling PostgreSQL with $fleet_devices devices by one INSERT ... SELECT: $(awk -v a="$fill_start" -v b="$(echo "$fill_end")" 'BEGIN { printf "%.1f s", b - a }')"
echo
echo "| fleet check | devices | time | result |"
echo "| --- | --- | --- | --- |"
for registry in fleet.db "$(locator fleet)"; do
  start=$(date +%s.%N)
  if "$binary" fleet check --registry "$registry" --registry-key-file registry.key >check.log 2>&1; then result="exit 0"; else result="exit $?"; fi
  end=$(date +%s.%N)
  devices_line=$(sed -n 2p check.log)
  name=$([[ $registry == fleet.db ]] && echo "SQLite" || echo "PostgreSQL 15")
  echo "| $name | $devices_line | $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }') | $result, $(grep -c 'all distinct' check.log) columns all distinct |"
done
