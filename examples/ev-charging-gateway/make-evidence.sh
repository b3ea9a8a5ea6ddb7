#!/usr/bin/env bash
# Makes the evidence records product.yaml cites, with en18031's own tools, from sample inputs:
#   - SUM-2: a sample system image (small, fixed bytes) signed with a fresh ECDSA P-256 key (the source says
#     "algorithms like ECDSA" and names no curve; the sample uses the MCUboot image format en18031 signs), then
#     `en18031 image tamper-test` (en18031's verifier standing in for the gateway's bootloader)
#     -> evidence/sum-2-tamper-test.json, measured on sample-firmware-signed.bin and sample-image-key.pub.pem;
#   - CCK-3: a sample manufacturing CA and a provisioning run of five gateways by MAC address, each given its
#     own ECDSA P-256 TLS client key and certificate (standing in for the key pair the secure element makes)
#     and a label password derived with HMAC-SHA256 from its MAC address, as the profile describes, then
#     `en18031 fleet check` -> evidence/fleet-check.json, measured on sample-registry.db. The record also
#     holds the passwords' uniqueness and strength checks (AUM-5-1); the profile does not cite it there,
#     since its AUM-5-1 route is the forced change at first use, which this run does not test.
# The private signing key, the registry key and every secret stay in a temporary folder that is removed: the
# committed files hold no secret that opens anything (the registry's secrets are sealed under a key that no
# longer exists). Each run makes new keys, so hashes and signatures differ from the committed ones; the
# checks and their results do not (tests/e2e/examples_evidence_test.sh).
#   bash make-evidence.sh [EN18031 [OUT_DIR]]    # defaults: en18031 on PATH, evidence/ beside this script
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
program=${1:-en18031}
out=${2:-$here/evidence}
program=$(command -v "$program") || { echo "make-evidence: no executable ${1:-en18031}" >&2; exit 2; }
[[ $program == /* ]] || program=$PWD/$program
mkdir -p "$out" && out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# SUM-2: 32 lines of fixed text as the system image, signed as version 1.4.0 with security counter 3.
for block in $(seq 1 32); do printf 'EV gateway sample system image 1.4.0, block %02d of 32\n' "$block"; done >app.bin
"$program" image keygen -t ecdsa-p256 -k sample-image-key.pem >/dev/null
"$program" image getpub -k sample-image-key.pem -o sample-image-key.pub.pem
"$program" image sign -k sample-image-key.pem -v 1.4.0 -s 3 --pad-header app.bin sample-firmware-signed.bin >/dev/null
"$program" image tamper-test sample-firmware-signed.bin -k sample-image-key.pub.pem \
  --signing-key sample-image-key.pem -o sum-2-tamper-test.json >/dev/null

# CCK-3: a CA, then five gateways by MAC address, each with a key pair, a certificate and a label password.
cat >recipe.yaml <<'EOF'
product: EV charging site gateway (sample run)
serials: {kind: text}
certificate:
  organization: Example charging site operator (sample)
  validity_days: 3650
  subject_serial_number: true
password:
  method: hmac-sha256
  length: 16
  min_entropy_bits: 60
EOF
# The password secret as base64 text: raw random bytes may end in a newline, which the reader strips.
(umask 077 && head -c 24 /dev/urandom | base64 >ca.pass && head -c 48 /dev/urandom | base64 -w0 >password.secret)
"$program" ca init --ca-cert sample-ca.pem --ca-key ca.key --ca-passphrase-file ca.pass \
  --common-name "Sample gateway manufacturing CA" --days 3700 >/dev/null
"$program" registry keygen registry.key >/dev/null
"$program" provision --recipe recipe.yaml --registry sample-registry.db --registry-key-file registry.key \
  --ca-cert sample-ca.pem --ca-key ca.key --ca-passphrase-file ca.pass --password-secret-file password.secret \
  --first 02-00-5E-10-00-01 --count 5 --quiet >/dev/null
"$program" fleet check --registry sample-registry.db --registry-key-file registry.key -o fleet-check.json >/dev/null
# The registry is closed: its write-ahead log is empty and only the database file is measured.
[[ ! -s sample-registry.db-wal ]] || { echo "make-evidence: the registry's log is not empty" >&2; exit 3; }

# The measured inputs first, the records that name them last.
for file in sample-firmware-signed.bin sample-image-key.pub.pem sample-registry.db sum-2-tamper-test.json \
  fleet-check.json; do
  mv -f "$file" "$out/$file"
done
echo "make-evidence: wrote $out/sum-2-tamper-test.json and $out/fleet-check.json"
