#!/usr/bin/env bash
# Installs the Debian 12 packages en18031 needs to build, test and fuzz. Run as root (or with sudo).
# Only missing packages are installed, so a second run is quick and needs no network.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build ccache
  # libraries (Debian's, see README "Dependencies")
  libfmt-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libssl-dev
  # factory provisioning: the registry (SQLite) and password strength (zxcvbn-c)
  libsqlite3-dev libzxcvbn-dev
  # tests
  googletest libgtest-dev libgmock-dev python3 python3-yaml python3-jsonschema
  # PKCS#11 signing keys (libp11's OpenSSL 3 engine) and the SoftHSM2 token the tests create
  libp11-dev libengine-pkcs11-openssl softhsm2 opensc
  # packaging: the .deb (CPack runs dpkg-shlibdeps from dpkg-dev, which needs file) and the man page test
  dpkg-dev file man-db
  # benchmarks (sqlite3: the provisioning baseline script inserts with the sqlite3 command line)
  libbenchmark-dev sqlite3
  # the HTML reports as a person sees them (headless, tools/render_html_check.sh)
  chromium
  # firmware scan (#12): unpackers and the one-pass matcher; the tools the tests build images with,
  # and binwalk, the tool the benchmark compares with
  libvectorscan-dev libarchive-dev libsquashfs-dev libext2fs-dev liblzma-dev libzstd-dev zlib1g-dev libbz2-dev
  liblz4-dev libdeflate-dev libfdt-dev libcrypt-dev squashfs-tools e2fsprogs u-boot-tools device-tree-compiler cpio zip unzip zstd xz-utils lz4 bzip2
  binwalk
  # network probes (#13, #15): TLS/DTLS/CoAP/SSH/MQTT peers the tests start on loopback or in a namespace,
  # and the tools the benchmarks compare with
  libssh-dev libcoap3-dev libcoap3-bin nginx lighttpd mosquitto dropbear-bin dnsmasq-base openssh-server testssl.sh nmap
  iproute2 hyperfine
  # vulnerabilities (#14): streaming JSON
  libsimdjson-dev
  # factory registry on PostgreSQL (#16): the client library (found by pkg-config) and the server the tests
  # start themselves
  libpq-dev postgresql-15 pkg-config
  # fuzzing (libFuzzer with ASan/UBSan; clang 16 for C++23's <expected>, see scripts/fuzz.sh), and
  # llvm-symbolizer so that a sanitizer's stack trace in CI names functions and lines
  clang-16 libclang-rt-16-dev llvm-16
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if ((EUID != 0)); then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
