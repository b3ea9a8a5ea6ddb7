// Signing and verifying MCUboot images (issue 5): a 1 MiB image, and a batch of 1,000 images, each next to
// the same work done by the OpenSSL command line (`openssl dgst -sha256 -sign`, one process per image).
// Goal: a 1 MiB image signed in a few milliseconds, batch throughput >= 2,000 images/s.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "crypto/keys.hpp"
#include "image/sign.hpp"
#include "image/verify.hpp"

namespace {

using en18031::image::Bytes;
namespace fs = std::filesystem;

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kBatch = 1000;
constexpr std::size_t kBatchImageBytes = 64 * 1024;

Bytes random_payload(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  Bytes bytes(size);
  for (auto& byte : bytes)
    byte = static_cast<std::uint8_t>(random());
  return bytes;
}

const en18031::crypto::Key& key(en18031::crypto::KeyType type) {
  static const auto ecdsa = *en18031::crypto::generate_key(en18031::crypto::KeyType::ecdsa_p256);
  static const auto ed25519 = *en18031::crypto::generate_key(en18031::crypto::KeyType::ed25519);
  static const auto rsa = *en18031::crypto::generate_key(en18031::crypto::KeyType::rsa2048);
  return type == en18031::crypto::KeyType::ed25519   ? ed25519
         : type == en18031::crypto::KeyType::rsa2048 ? rsa
                                                     : ecdsa;
}

en18031::image::SignOptions options() {
  en18031::image::SignOptions o;
  o.pad_header = true;
  o.version = *en18031::image::parse_version("1.2.3");
  return o;
}

void BM_Sign1MiB(benchmark::State& state) {
  const auto type = static_cast<en18031::crypto::KeyType>(state.range(0));
  const Bytes payload = random_payload(kMiB, 1);
  const auto& signer = key(type);  // generated before timing starts
  for (auto _ : state)
    benchmark::DoNotOptimize(en18031::image::sign_image(payload, &signer, options(), "bench"));
  state.SetLabel(std::string(en18031::crypto::to_string(type)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kMiB));
}
BENCHMARK(BM_Sign1MiB)
    ->Arg(static_cast<int>(en18031::crypto::KeyType::ecdsa_p256))
    ->Arg(static_cast<int>(en18031::crypto::KeyType::ed25519))
    ->Arg(static_cast<int>(en18031::crypto::KeyType::rsa2048))
    ->Unit(benchmark::kMillisecond);

void BM_Verify1MiB(benchmark::State& state) {
  const auto type = static_cast<en18031::crypto::KeyType>(state.range(0));
  const Bytes image = *en18031::image::sign_image(random_payload(kMiB, 1), &key(type), options(), "bench");
  const auto pub = key(type).public_only();
  for (auto _ : state) {
    const auto report = en18031::image::verify_image(image, "bench", {.key = &pub});
    if (!report.accepted)
      state.SkipWithError("verification failed");
  }
  state.SetLabel(std::string(en18031::crypto::to_string(type)));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kMiB));
}
BENCHMARK(BM_Verify1MiB)
    ->Arg(static_cast<int>(en18031::crypto::KeyType::ecdsa_p256))
    ->Arg(static_cast<int>(en18031::crypto::KeyType::ed25519))
    ->Arg(static_cast<int>(en18031::crypto::KeyType::rsa2048))
    ->Unit(benchmark::kMillisecond);

const std::vector<Bytes>& batch_payloads() {
  static const std::vector<Bytes> payloads = [] {
    std::vector<Bytes> all;
    for (std::size_t i = 0; i < kBatch; ++i)
      all.push_back(random_payload(kBatchImageBytes, i + 100));
    return all;
  }();
  return payloads;
}

void BM_SignBatch1000(benchmark::State& state) {
  const auto& payloads = batch_payloads();
  for (auto _ : state)
    for (const auto& payload : payloads)
      benchmark::DoNotOptimize(en18031::image::sign_image(payload, &key(en18031::crypto::KeyType::ecdsa_p256),
                                                          options(), "bench"));
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate);
  state.SetLabel("ecdsa-p256, 1000 x 64 KiB");
}
BENCHMARK(BM_SignBatch1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_VerifyBatch1000(benchmark::State& state) {
  const auto& k = key(en18031::crypto::KeyType::ecdsa_p256);
  std::vector<Bytes> images;
  for (const auto& payload : batch_payloads())
    images.push_back(*en18031::image::sign_image(payload, &k, options(), "bench"));
  const auto pub = k.public_only();
  for (auto _ : state)
    for (const auto& image : images)
      benchmark::DoNotOptimize(en18031::image::verify_image(image, "bench", {.key = &pub}).accepted);
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate);
  state.SetLabel("ecdsa-p256, 1000 x 64 KiB");
}
BENCHMARK(BM_VerifyBatch1000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The baseline: one `openssl dgst -sha256 -sign` process per image, as a signing script would do it.
struct OpensslFiles {
  fs::path dir = fs::temp_directory_path() / "en18031-image-bench";
  OpensslFiles() {
    fs::create_directories(dir);
    std::ofstream(dir / "key.pem") << key(en18031::crypto::KeyType::ecdsa_p256).private_pem();
    write(dir / "1mib.bin", random_payload(kMiB, 1));
    for (std::size_t i = 0; i < kBatch; ++i)
      write(dir / ("b" + std::to_string(i) + ".bin"), batch_payloads()[i]);
  }
  ~OpensslFiles() { fs::remove_all(dir); }
  static void write(const fs::path& path, const Bytes& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  int sign(const std::string& name) const {
    const std::string command = "openssl dgst -sha256 -sign " + (dir / "key.pem").string() + " -out " +
                                (dir / (name + ".sig")).string() + " " + (dir / name).string();
    return std::system(command.c_str());
  }
};

const OpensslFiles& openssl_files() {
  static const OpensslFiles files;
  return files;
}

void BM_OpensslCliSign1MiB(benchmark::State& state) {
  const auto& files = openssl_files();
  for (auto _ : state)
    if (files.sign("1mib.bin") != 0)
      state.SkipWithError("openssl dgst failed");
  state.SetLabel("ecdsa-p256, one process");
}
BENCHMARK(BM_OpensslCliSign1MiB)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_OpensslCliSignBatch1000(benchmark::State& state) {
  const auto& files = openssl_files();
  for (auto _ : state)
    for (std::size_t i = 0; i < kBatch; ++i)
      if (files.sign("b" + std::to_string(i) + ".bin") != 0)
        state.SkipWithError("openssl dgst failed");
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate);
  state.SetLabel("ecdsa-p256, 1000 x 64 KiB, one process each");
}
BENCHMARK(BM_OpensslCliSignBatch1000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
