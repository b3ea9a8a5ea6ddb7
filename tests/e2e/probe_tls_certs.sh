#!/bin/bash
# Certificates for the TLS probe's end-to-end tests (tests/e2e/probe_tls_cli_test.cpp), made fresh in DIR:
#   ca.pem/ca.key           ECDSA P-256 test CA
#   good.pem/good.key       ECDSA P-256 leaf for localhost, SHA-256, valid now
#   weak.pem/weak.key       RSA-1024 leaf signed with SHA-1
#   rsa.pem/rsa.key         RSA-2048 leaf, SHA-256
#   expired.pem/expired.key ECDSA P-256 leaf valid only in January 2020
#   client.pem/client.key   ECDSA P-256 client certificate
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -nodes -keyout ca.key -out ca.pem \
  -days 30 -subj /CN=en18031-test-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign
leaf() {  # name, key options, digest
  local name=$1 digest=$3
  quiet openssl req -newkey $2 -nodes -keyout "$name.key" -out "$name.csr" -subj /CN=localhost
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' > "$name.ext"
  quiet openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "-$digest" \
    -extfile "$name.ext" -out "$name.pem"
}
leaf good "ec -pkeyopt ec_paramgen_curve:P-256" sha256
leaf weak "rsa:1024" sha1
leaf rsa "rsa:2048" sha256
leaf client "ec -pkeyopt ec_paramgen_curve:P-256" sha256
# An expired certificate needs dates in the past: `openssl ca` takes them.
quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout expired.key -out expired.csr -subj /CN=localhost
: > index.txt
echo 1000 > serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = leaf
[any]
commonName = supplied
[leaf]
subjectAltName = DNS:localhost
basicConstraints = CA:FALSE
CNF
quiet openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem -notext \
  -startdate 20200101000000Z -enddate 20200201000000Z
