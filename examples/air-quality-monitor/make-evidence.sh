#!/usr/bin/env bash
# Makes the evidence records product.yaml cites, with en18031's own tools, from sample inputs:
#   - SUM-2: a sample application image (small, fixed bytes) signed with a fresh ECDSA P-256 key as MCUboot
#     expects it, then `en18031 image tamper-test` (en18031's verifier standing in for the unit's MCUboot)
#     -> evidence/sum-2-tamper-test.json, measured on sample-firmware-signed.bin and sample-image-key.pub.pem;
#   - a firmware scan of that signed image (`en18031 scan firmware`): no private key, password, secret or
#     risky service in it, and its crypto library named by its version banner -> evidence/firmware-scan.json,
#     measured on sample-firmware-signed.bin (`--format cyclonedx` would add the SBOM for `sbom check`);
#   - CCK-3: a sample provisioning run of five IMEIs, each given its own DTLS PSK and PSK identity as the
#     production step in the profile does (no certificate, no password: the monitor has neither), then
#     `en18031 fleet check` -> evidence/fleet-check.json, measured on sample-registry.db.
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

# SUM-2: 32 lines of fixed text as the application binary, signed as version 1.4.0 with security counter 3.
# Its first line carries the version banner of the TLS library a real build links (Mbed TLS prints it so).
{
  printf 'AQM sample application firmware 1.4.0 built with Mbed TLS 3.6.2\n'
  for block in $(seq 1 32); do printf 'AQM sample application firmware 1.4.0, block %02d of 32\n' "$block"; done
} >app.bin
"$program" image keygen -t ecdsa-p256 -k sample-image-key.pem >/dev/null
"$program" image getpub -k sample-image-key.pem -o sample-image-key.pub.pem
"$program" image sign -k sample-image-key.pem -v 1.4.0 -s 3 --pad-header app.bin sample-firmware-signed.bin >/dev/null
"$program" image tamper-test sample-firmware-signed.bin -k sample-image-key.pub.pem \
  --signing-key sample-image-key.pem -o sum-2-tamper-test.json >/dev/null

# The signed image scanned as a release build would be: the record names the image by its hash.
"$program" scan firmware sample-firmware-signed.bin -o . --format evidence >/dev/null
mv evidence.json firmware-scan.json

# CCK-3: five devices by IMEI, 128-bit PSKs (the key length is an open point of the profile; 128 is the
# least the modem's AES-128 cipher suites use).
cat >recipe.yaml <<'EOF'
product: Cellular air-quality monitor (sample run)
serials: {kind: imei}
psk:
  bits: 128
  identity: "urn:imei:{serial}"
EOF
"$program" registry keygen registry.key >/dev/null
"$program" provision --recipe recipe.yaml --registry sample-registry.db --registry-key-file registry.key \
  --first 353456780000003 --count 5 --quiet >/dev/null
"$program" fleet check --registry sample-registry.db --registry-key-file registry.key -o fleet-check.json >/dev/null
# The registry is closed: its write-ahead log is empty and only the database file is measured.
[[ ! -s sample-registry.db-wal ]] || { echo "make-evidence: the registry's log is not empty" >&2; exit 3; }

# The measured inputs first, the records that name them last.
for file in sample-firmware-signed.bin sample-image-key.pub.pem sample-registry.db sum-2-tamper-test.json \
  fleet-check.json firmware-scan.json; do
  mv -f "$file" "$out/$file"
done
echo "make-evidence: wrote $out/sum-2-tamper-test.json, $out/fleet-check.json and $out/firmware-scan.json"
