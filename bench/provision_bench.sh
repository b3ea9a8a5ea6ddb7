#!/usr/bin/env bash
# Provisioning throughput, side by side with the way factory scripts do it with the openssl command line.
#   bench/provision_bench.sh EN18031_BINARY [DEVICES] [BASELINE_DEVICES]
# Each device gets what the issue asks for: an ECDSA P-256 key, an X.509 certificate from the
# manufacturing CA, a 256-bit PSK, a default password, and a registry row. en18031 does it in one process
# (workers on every core, AES-256-GCM sealing, zxcvbn check, SQLite transactions); the baseline runs one
# openssl process per step and one sqlite3 process per insert, as a shell script on the line would.
set -euo pipefail
binary="$(realpath "$1")"
devices="${2:-50000}"
baseline_devices="${3:-50}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

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

start=$(date +%s.%N)
"$binary" provision -q --recipe recipe.yaml --registry registry.db --registry-key-file registry.key \
  --ca-cert ca.pem --ca-key ca.key --ca-passphrase-file passphrase --first BENCH-0000000 --count "$devices" \
  >en18031.log
end=$(date +%s.%N)
ours=$(awk -v n="$devices" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
grep -q "provisioned $devices devices" en18031.log || { cat en18031.log; exit 1; }

# The baseline: the same five credentials and a registry row, one process per step.
cat >device.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT
sqlite3 baseline.db "CREATE TABLE devices (serial TEXT PRIMARY KEY, certificate TEXT, psk TEXT UNIQUE, password TEXT)"
start=$(date +%s.%N)
for ((i = 0; i < baseline_devices; i++)); do
  serial=$(printf "BASE-%07d" "$i")
  openssl ecparam -name prime256v1 -genkey -noout -out "$serial.key"
  openssl req -new -key "$serial.key" -subj "/O=Bench/CN=$serial" -out "$serial.csr"
  openssl x509 -req -in "$serial.csr" -CA ca.pem -CAkey ca.key -passin file:passphrase \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile device.ext -out "$serial.crt" 2>/dev/null
  psk=$(openssl rand -hex 32)
  password=$(openssl rand -base64 9)
  sqlite3 baseline.db "INSERT INTO devices VALUES ('$serial', readfile('$serial.crt'), '$psk', '$password')"
done
end=$(date +%s.%N)
baseline=$(awk -v n="$baseline_devices" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')
[[ "$(sqlite3 baseline.db 'SELECT count(*) FROM devices')" == "$baseline_devices" ]]
openssl verify -CAfile ca.pem BASE-0000000.crt >/dev/null

ratio=$(awk -v a="$ours" -v b="$baseline" 'BEGIN { printf "%.0f", a / b }')
printf "%-44s %12s %14s\n" "provisioning (key+cert+PSK+password+row)" "devices" "devices/s"
printf "%-44s %12s %14s\n" "en18031 provision ($(nproc) cores)" "$devices" "$ours"
printf "%-44s %12s %14s\n" "openssl + sqlite3 CLI, a process per step" "$baseline_devices" "$baseline"
printf "ratio: %sx\n" "$ratio"
