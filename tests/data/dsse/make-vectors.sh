#!/usr/bin/env bash
# Known-answer vectors for the DSSE evidence envelope, made WITHOUT en18031: Python builds the record, its
# digest, the in-toto Statement and the PAE; the openssl command line makes the keys and the signatures.
# tests/unit/crypto/dsse_test.cpp and tests/unit/load/evidence_loader_test.cpp read what this writes, so
# en18031's signer and verifier are checked against an independent implementation. Test keys only.
#   bash make-vectors.sh    # rewrites the files beside this script
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out evidence-key.pem
openssl pkey -in evidence-key.pem -pubout -out evidence-key.pub.pem
openssl genpkey -algorithm ed25519 -out evidence-key-ed25519.pem
openssl pkey -in evidence-key-ed25519.pem -pubout -out evidence-key-ed25519.pub.pem
for key in evidence-key evidence-key-ed25519; do
  openssl pkey -pubin -in $key.pub.pem -outform DER | sha256sum | cut -d' ' -f1 >$key.fingerprint
done
python3 - <<'PY'
import base64, hashlib, json, subprocess
record = {
    "format": "en18031-evidence", "version": 1,
    "tool": {"name": "en18031 image tamper-test", "version": "0.1.0"},
    "created": "2026-11-22T10:00:00Z",
    "inputs": [{"path": "signed.bin", "sha256": "0" * 64}],
    "checks": [{"id": "unsigned-rejected", "result": "pass",
                "detail": "the verifier refused the unsigned image", "requirements": ["SUM-2"],
                "supports": [{"node": "SUM-2.DN-1", "answer": "yes"}],
                "document_how": ["IC.SUM-2.AuthIntVal.Sign:unsigned-rejected"]}],
}
canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
record["digest"] = {"algorithm": "sha256", "value": hashlib.sha256(canonical.encode()).hexdigest()}
statement = {"_type": "https://in-toto.io/Statement/v1",
             "subject": [{"name": "signed.bin", "digest": {"sha256": "0" * 64}}],
             "predicateType": "https://en18031.invalid/evidence/v1", "predicate": record}
payload = json.dumps(statement, indent=1).encode()  # not our own compact form: any serialisation verifies
payload_type = b"application/vnd.in-toto+json"
pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)
open("statement.pae", "wb").write(pae)
def envelope(name, key, sign):
    fingerprint = open(key + ".fingerprint").read().strip()
    signature = subprocess.run(sign, input=pae, capture_output=True, check=True).stdout
    json.dump({"payloadType": payload_type.decode(), "payload": base64.b64encode(payload).decode(),
               "signatures": [{"keyid": fingerprint, "sig": base64.b64encode(signature).decode()}]},
              open(name, "w"), indent=2)
envelope("signed-p256.json", "evidence-key",
         ["openssl", "dgst", "-sha256", "-sign", "evidence-key.pem"])
# Ed25519 signs the message itself (no prehash), as DSSE tools do.
with open("statement.pae.tmp", "wb") as f:
    f.write(pae)
envelope("signed-ed25519.json", "evidence-key-ed25519",
         ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", "evidence-key-ed25519.pem", "-in", "statement.pae.tmp"])
PY
rm -f statement.pae.tmp
