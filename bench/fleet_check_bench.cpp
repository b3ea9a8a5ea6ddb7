// Times `en18031 fleet check` (in-process, as the command runs it) on synthetic manifests of 1 and 10 million
// devices, clean and with one planted duplicate password, and on a registry of provisioned devices.
//
//   fleet_check_bench [--manifest-devices 1000000,10000000] [--registry-devices 1000000] [--dir DIR]
//
// Each manifest line has a serial, a P-256 public key in base64 (a fixed SubjectPublicKeyInfo header and a
// random point, so the DER is well-formed and every key distinct), a PSK identity, keyed hashes of a PSK and
// a password (random 32 bytes) and an entropy estimate: about 310 bytes, so 10 million devices make a 3 GB
// file. The registry is filled by `factory::provision` (certificate, PSK and random password per device),
// which is what `en18031 provision` runs. Files go to a temporary folder, removed at the end.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "crypto/keys.hpp"
#include "factory/ca.hpp"
#include "factory/provision.hpp"
#include "factory/recipe.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"

namespace {

namespace fs = std::filesystem;
using namespace en18031;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// The DER header of a P-256 SubjectPublicKeyInfo with an uncompressed point; 65 point bytes follow.
constexpr std::uint8_t kP256SpkiHeader[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};

void append_base64(std::string& out, const std::uint8_t* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t group = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
    out += kAlphabet[group >> 18];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
    out += kAlphabet[group & 63];
  }
  if (size - i == 1) {
    const std::uint32_t group = data[i] << 16;
    out += kAlphabet[group >> 18];
    out += kAlphabet[(group >> 12) & 63];
    out += "==";
  } else if (size - i == 2) {
    const std::uint32_t group = data[i] << 16 | data[i + 1] << 8;
    out += kAlphabet[group >> 18];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
    out += '=';
  }
}

void append_hex(std::string& out, std::mt19937_64& random) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int word = 0; word < 4; ++word) {
    std::uint64_t value = random();
    for (int i = 0; i < 16; ++i, value >>= 4)
      out += kDigits[value & 15];
  }
}

struct GeneratedManifest {
  fs::path path;
  std::size_t bytes = 0;
  std::size_t last_password_offset = 0;  // where the last device's password hash starts
  std::string first_password_hash;
};

GeneratedManifest generate_manifest(const fs::path& path, std::size_t devices) {
  GeneratedManifest made{path};
  std::mt19937_64 random(devices);
  std::ofstream file(path, std::ios::binary);
  std::string chunk =
      "# rng: synthetic (bench/fleet_check_bench.cpp)\n"
      "serial,public_key,psk_identity,psk_hash,password_hash,password_entropy_bits\n";
  std::uint8_t spki[91];
  std::memcpy(spki, kP256SpkiHeader, sizeof kP256SpkiHeader);
  for (std::size_t i = 0; i < devices; ++i) {
    fmt::format_to(std::back_inserter(chunk), "SN{:010},", i);
    for (std::size_t at = sizeof kP256SpkiHeader; at < sizeof spki; at += 8) {
      const std::uint64_t word = random();
      std::memcpy(spki + at, &word, std::min<std::size_t>(8, sizeof spki - at));
    }
    append_base64(chunk, spki, sizeof spki);
    fmt::format_to(std::back_inserter(chunk), ",psk-SN{:010},", i);
    append_hex(chunk, random);
    chunk += ',';
    const std::size_t password_at = chunk.size();
    append_hex(chunk, random);
    if (i == 0)
      made.first_password_hash = chunk.substr(password_at, 64);
    if (i + 1 == devices)
      made.last_password_offset = made.bytes + password_at;
    fmt::format_to(std::back_inserter(chunk), ",{}.{}\n", 50 + random() % 30, random() % 10);
    if (chunk.size() > (1 << 22)) {
      file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      made.bytes += chunk.size();
      chunk.clear();
    }
  }
  file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  made.bytes += chunk.size();
  return made;
}

struct Run {
  int exit_code = 0;
  double seconds = 0;
  std::string out, err;
};

Run fleet_check(std::vector<std::string> args) {
  args.insert(args.begin(), {"en18031", "fleet", "check"});
  std::vector<const char*> argv;
  for (const auto& arg : args)
    argv.push_back(arg.c_str());
  std::istringstream in;
  std::ostringstream out, err;
  const auto start = Clock::now();
  Run run;
  run.exit_code = cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  run.seconds = seconds_since(start);
  run.out = out.str();
  run.err = err.str();
  return run;
}

void report(const std::string& label, const Run& run) {
  fmt::print("{}: exit {}, {:.2f} s wall, peak RSS so far {} MB\n", label, run.exit_code, run.seconds,
             peak_rss_mb());
  std::istringstream lines(run.out + run.err);
  for (std::string line; std::getline(lines, line);)
    fmt::print("    {}\n", line);
  std::fflush(stdout);
}

void bench_manifest(const fs::path& dir, std::size_t devices) {
  const auto start = Clock::now();
  const auto made = generate_manifest(dir / fmt::format("manifest-{}.csv", devices), devices);
  fmt::print("generated {} devices, {:.2f} GB, in {:.1f} s\n", devices, static_cast<double>(made.bytes) / 1e9,
             seconds_since(start));
  const std::string evidence = (dir / "fleet-check.json").string();
  report(fmt::format("manifest {} clean", devices),
         fleet_check({"--manifest", made.path.string(), "-o", evidence}));
  report(fmt::format("manifest {} clean, no evidence record (no file hash)", devices),
         fleet_check({"--manifest", made.path.string()}));
  {  // The last device gets the first device's password hash: same length, written in place.
    std::fstream file(made.path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(static_cast<std::streamoff>(made.last_password_offset));
    file.write(made.first_password_hash.data(), 64);
  }
  report(fmt::format("manifest {} with one planted duplicate password", devices),
         fleet_check({"--manifest", made.path.string(), "-o", evidence}));
  fs::remove(made.path);
}

void bench_registry(const fs::path& dir, std::size_t devices) {
  std::vector<Diagnostic> problems;
  const std::string recipe_text =
      "product: Bench\ncertificate: {organization: Bench}\npsk: {bits: 256, identity: \"psk-{serial}\"}\n"
      "password: {method: random, length: 12}\nbatch_size: 2000\n";
  const auto recipe = factory::parse_recipe(recipe_text, "bench-recipe.yaml", problems);
  auto ca_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  if (!recipe || !ca_key) {
    fmt::print("bench recipe or CA key failed\n");
    return;
  }
  auto ca = factory::create_root_ca(
      {.common_name = "Bench Manufacturing CA", .organization = "Bench", .validity_days = 7400},
      std::move(*ca_key), std::chrono::system_clock::now());
  if (!ca) {
    fmt::print("bench CA: {}\n", ca.error().describe());
    return;
  }
  const std::string key_hex = factory::new_registry_key_hex();
  const fs::path key_file = dir / "registry.key";
  std::ofstream(key_file) << key_hex;
  const auto key = factory::load_registry_key(key_file.string());
  const factory::SecretBox box(*key);
  const fs::path path = dir / "registry.db";
  auto registry = factory::open_registry(path.string(), box, factory::RegistryAccess::create_if_missing);
  if (!registry) {
    fmt::print("bench registry: {}\n", registry.error().describe());
    return;
  }
  std::vector<std::string> serials;
  serials.reserve(devices);
  for (std::size_t i = 0; i < devices; ++i)
    serials.push_back(fmt::format("SN{:010}", i));
  factory::ProvisionRequest request;
  request.recipe = &*recipe;
  request.recipe_text = recipe_text;
  request.ca = &*ca;
  request.serials = serials;
  request.now = std::chrono::system_clock::now();
  const auto start = Clock::now();
  const auto provisioned = factory::provision(**registry, box, request);
  if (!provisioned) {
    fmt::print("provision: {}\n", provisioned.error().describe());
    return;
  }
  fmt::print("provisioned {} devices (certificate, PSK, password each) in {:.1f} s; registry {:.2f} GB\n",
             provisioned->provisioned, seconds_since(start), static_cast<double>(fs::file_size(path)) / 1e9);
  report(fmt::format("registry {}", devices),
         fleet_check({"--registry", path.string(), "--registry-key-file", key_file.string(), "-o",
                      (dir / "registry-check.json").string()}));
}

std::vector<std::size_t> parse_counts(const std::string& text) {
  std::vector<std::size_t> counts;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      counts.push_back(std::stoull(item));
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> manifest_devices = {1'000'000, 10'000'000};
  std::size_t registry_devices = 1'000'000;
  fs::path dir = fs::temp_directory_path() / fmt::format("en18031-fleet-bench-{}", ::getpid());
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--manifest-devices")
      manifest_devices = parse_counts(argv[i + 1]);
    else if (option == "--registry-devices")
      registry_devices = std::stoull(argv[i + 1]);
    else if (option == "--dir")
      dir = argv[i + 1];
  }
  fs::create_directories(dir);
  fmt::print("fleet check bench in {} ({} cores)\n", dir.string(), std::thread::hardware_concurrency());
  for (const std::size_t devices : manifest_devices)
    bench_manifest(dir, devices);
  if (registry_devices > 0)
    bench_registry(dir, registry_devices);
  fs::remove_all(dir);
  return 0;
}
