// The firmware scan's speed (issue 12), driven by bench/scan_bench.sh beside grep and binwalk:
//   scan_bench generate FILE MIB      mixed data: random bytes, text, planted patterns (deterministic)
//   scan_bench match FILE [THREADS]   raw one-pass match of ~40 realistic patterns over the mapped file
//   scan_bench walk [--jobs N] FILE...  the whole walk (carve, unpack, match, inspect) into a counting
//   analysis
// Each prints one line of numbers; the script puts them side by side.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/mman.h>

#include "io/mapped_file.hpp"
#include "scan/matcher.hpp"
#include "scan/walk.hpp"

namespace {

using en18031::scan::Pattern;

// What a rules file will look for: keys, certificates, password hashes and settings, services, weak
// crypto, version banners.
std::vector<Pattern> realistic_patterns() {
  const char* expressions[] = {
      "-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----",
      "-----BEGIN CERTIFICATE-----",
      "PuTTY-User-Key-File-[23]: ",
      "password\\s*[=:]",
      "passwd",
      "\\$1\\$[./0-9A-Za-z]{1,8}\\$",
      "\\$5\\$[./0-9A-Za-z]{1,16}\\$",
      "\\$6\\$[./0-9A-Za-z]{1,16}\\$",
      "\\$y\\$[./0-9A-Za-z]+\\$",
      "\\$2[aby]\\$[0-9]{2}\\$",
      "BusyBox v[0-9]+\\.[0-9]+",
      "OpenSSL [0-9]+\\.[0-9]+\\.[0-9]+",
      "dropbear_[0-9]{4}\\.[0-9]+",
      "OpenSSH_[0-9]+\\.[0-9]+",
      "mbed TLS [0-9]+\\.[0-9]+",
      "wolfSSL [0-9]",
      "lighttpd/[0-9]+\\.[0-9]+",
      "nginx/[0-9]+\\.[0-9]+",
      "dnsmasq-[0-9]+\\.[0-9]+",
      "curl/[0-9]+\\.[0-9]+",
      "deflate [0-9]+\\.[0-9]+\\.[0-9]+ Copyright",
      "SQLite format 3",
      "mosquitto version [0-9]",
      "libcoap [0-9]",
      "Linux version [0-9]+\\.[0-9]+",
      "U-Boot [0-9]{4}\\.[0-9]{2}",
      "telnetd",
      "ftpd",
      "tftpd",
      "rlogind",
      "gdbserver",
      "miniupnpd",
      "PermitRootLogin\\s+yes",
      "PasswordAuthentication\\s+yes",
      "SSLv3",
      "TLSv1(\\.0|\\.1)?[^.0-9]",
      "RC4-",
      "DES-CBC3",
      "aws_secret_access_key",
      "wpa_passphrase=",
      "psk=\"",
  };
  std::vector<Pattern> patterns;
  for (const char* expression : expressions)
    patterns.push_back(
        {.id = expression, .expression = expression, .caseless = std::strncmp(expression, "pass", 4) == 0});
  return patterns;
}

int generate(const std::string& path, std::size_t mib) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 generator(12);
  const std::string text =
      "The quick brown fox jumps over the lazy dog. Configuration follows; see the manual for details.\n";
  const char* planted[] = {"BusyBox v1.36.1",     "-----BEGIN RSA PRIVATE KEY-----",
                           "root:$1$abcdefgh$x:", "telnetd -l",
                           "OpenSSL 1.0.2k",      "password=admin"};
  std::vector<char> chunk(1 << 20);
  for (std::size_t index = 0; index < mib; ++index) {
    if (index % 2 == 0) {
      for (std::size_t offset = 0; offset < chunk.size(); offset += 8) {
        const std::uint64_t value = generator();
        std::memcpy(chunk.data() + offset, &value, 8);
      }
    } else {
      for (std::size_t offset = 0; offset < chunk.size(); offset += text.size())
        std::memcpy(chunk.data() + offset, text.data(), std::min(text.size(), chunk.size() - offset));
    }
    const char* plant = planted[index % 6];
    std::memcpy(chunk.data() + 4096, plant, std::strlen(plant));
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  }
  return out ? 0 : 1;
}

int match(const std::string& path, unsigned threads) {
  auto file = en18031::io::MappedFile::open(path, std::size_t{1} << 40);
  auto matcher = en18031::scan::Matcher::compile(realistic_patterns());
  if (!file || !matcher) {
    std::fprintf(stderr, "scan_bench: %s\n", (!file ? file.error() : matcher.error()).describe().c_str());
    return 2;
  }
  const auto bytes = file->bytes();
  // Touch every page first: the number measured is the matcher's, not the disk's.
  volatile std::uint8_t sink = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += 4096)
    sink = static_cast<std::uint8_t>(sink + bytes[offset]);
  std::atomic<std::uint64_t> hits{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  // Each thread takes one part, reaching 4 KiB into the next so a match across the cut is found.
  const std::size_t part = (bytes.size() + threads - 1) / threads;
  for (unsigned index = 0; index < threads; ++index) {
    workers.emplace_back([&, index] {
      const std::size_t begin = std::min(bytes.size(), index * part);
      const std::size_t end = std::min(bytes.size(), begin + part + 4096);
      auto scratch = matcher->make_scratch();
      std::uint64_t count = 0;
      (void)matcher->match(bytes.subspan(begin, end - begin), *scratch,
                           [&](const en18031::scan::PatternHit&) {
                             ++count;
                             return true;
                           });
      hits += count;
    });
  }
  for (auto& worker : workers)
    worker.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("match: %zu bytes, %zu patterns, %u threads, %llu hits, %.3f s, %.2f GB/s\n", bytes.size(),
              matcher->pattern_count(), threads, static_cast<unsigned long long>(hits.load()), seconds,
              static_cast<double>(bytes.size()) / seconds / 1e9);
  return 0;
}

class CountingAnalysis final : public en18031::scan::Analysis {
 public:
  CountingAnalysis() : patterns_(realistic_patterns()) {}
  std::span<const Pattern> patterns() const override { return patterns_; }
  void inspect(const en18031::scan::ScannedObject&,
               std::span<const en18031::scan::PatternHit> hits) override {
    hits_ += hits.size();
  }
  void entry(const en18031::scan::FileSystemEntry&) override { ++entries_; }
  void problem(const en18031::scan::Problem& problem) override {
    std::fprintf(stderr, "problem: %s: %s\n", problem.place.chain.back().c_str(), problem.reason.c_str());
  }
  std::atomic<std::uint64_t> hits_{0}, entries_{0};

 private:
  std::vector<Pattern> patterns_;
};

int walk(std::vector<std::string> inputs, unsigned jobs) {
  CountingAnalysis analysis;
  const auto start = std::chrono::steady_clock::now();
  const auto summary = en18031::scan::walk(inputs, analysis, {.jobs = jobs});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!summary) {
    std::fprintf(stderr, "scan_bench: %s\n", summary.error().describe().c_str());
    return 2;
  }
  std::printf(
      "walk: %llu objects, %llu unpacked, %llu entries, %llu hits, %llu bytes scanned, %llu unpacked bytes, "
      "%llu problems, %.3f s\n",
      static_cast<unsigned long long>(summary->objects), static_cast<unsigned long long>(summary->unpacked),
      static_cast<unsigned long long>(analysis.entries_.load()),
      static_cast<unsigned long long>(analysis.hits_.load()),
      static_cast<unsigned long long>(summary->bytes_scanned),
      static_cast<unsigned long long>(summary->unpacked_bytes),
      static_cast<unsigned long long>(summary->problems), seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "generate")
    return generate(args[1], std::stoul(args[2]));
  if ((args.size() == 2 || args.size() == 3) && args[0] == "match")
    return match(args[1], args.size() == 3 ? static_cast<unsigned>(std::stoul(args[2])) : 2);
  if (args.size() >= 2 && args[0] == "walk") {
    unsigned jobs = 2;
    std::vector<std::string> inputs;
    for (std::size_t index = 1; index < args.size(); ++index) {
      if (args[index] == "--jobs" && index + 1 < args.size())
        jobs = static_cast<unsigned>(std::stoul(args[++index]));
      else
        inputs.push_back(args[index]);
    }
    return walk(inputs, jobs);
  }
  std::fprintf(stderr,
               "usage: scan_bench generate FILE MIB | match FILE [THREADS] | walk [--jobs N] FILE...\n");
  return 2;
}
