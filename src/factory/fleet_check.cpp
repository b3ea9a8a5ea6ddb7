#include "factory/fleet_check.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "evidence/record.hpp"
#include "limits.hpp"

namespace en18031::factory {
namespace {

// What a report keeps of each duplicate: enough to name the devices in a summary and an evidence record;
// the counts are always complete.
constexpr std::size_t kGroupsKept = 100;
constexpr std::size_t kRowsKeptPerGroup = 10;
constexpr std::size_t kWeakRowsKept = 20;
// What the human summary prints of them.
constexpr std::size_t kGroupsPrinted = 20;

// ---- Duplicates ------------------------------------------------------------------------------------------

std::uint64_t digest_prefix(const Digest& digest) {
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, digest.data(), sizeof prefix);
  return prefix;
}

// A 64-bit hash of text (serials, PSK identities): 8 bytes at a time, each mixed in with a multiplication
// and a shift, then a final avalanche (splitmix64's). Only a prefilter: equal hashes are compared exactly.
std::uint64_t text_prefix(std::string_view text) {
  std::uint64_t hash = 0x9e3779b97f4a7c15ULL ^ text.size();
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    hash = (hash ^ word) * 0xbf58476d1ce4e5b9ULL;
    hash ^= hash >> 31;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  hash = (hash ^ tail) * 0x94d049bb133111ebULL;
  hash ^= hash >> 29;
  hash *= 0xbf58476d1ce4e5b9ULL;
  return hash ^ (hash >> 32);
}

// LSD radix sort, one byte per pass; passes where every value has the same byte are skipped.
void radix_sort(std::vector<std::uint64_t>& values) {
  std::array<std::array<std::size_t, 256>, 8> counts{};
  for (const std::uint64_t value : values)
    for (std::size_t pass = 0; pass < 8; ++pass)
      ++counts[pass][(value >> (8 * pass)) & 0xff];
  std::vector<std::uint64_t> scratch(values.size());
  for (std::size_t pass = 0; pass < 8; ++pass) {
    auto& count = counts[pass];
    if (std::ranges::find(count, values.size()) != count.end())
      continue;
    std::size_t total = 0;
    for (auto& slot : count)
      total += std::exchange(slot, total);
    for (const std::uint64_t value : values)
      scratch[count[(value >> (8 * pass)) & 0xff]++] = value;
    values.swap(scratch);
  }
}

template <typename Value>
UniquenessResult find_duplicates(std::string check_id, std::string what, const std::vector<Value>& values,
                                 std::uint64_t (*prefix_of)(const Value&)) {
  UniquenessResult result;
  result.check_id = std::move(check_id);
  result.what = std::move(what);
  result.values = values.size();
  std::vector<std::uint64_t> prefixes(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    prefixes[i] = prefix_of(values[i]);
  radix_sort(prefixes);
  std::vector<std::uint64_t> candidates;
  for (std::size_t i = 1; i < prefixes.size(); ++i)
    if (prefixes[i] == prefixes[i - 1] && (candidates.empty() || candidates.back() != prefixes[i]))
      candidates.push_back(prefixes[i]);
  if (candidates.empty())
    return result;
  prefixes = {};
  // Only values whose prefix occurs twice are compared in full: none in a healthy fleet, few otherwise.
  std::vector<std::uint32_t> suspects;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (std::ranges::binary_search(candidates, prefix_of(values[i])))
      suspects.push_back(static_cast<std::uint32_t>(i));
  std::ranges::stable_sort(suspects, [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
  std::vector<DuplicateGroup> groups;
  for (std::size_t start = 0; start < suspects.size();) {
    std::size_t end = start + 1;
    while (end < suspects.size() && values[suspects[end]] == values[suspects[start]])
      ++end;
    if (end - start > 1) {
      ++result.duplicate_values;
      result.devices_affected += end - start;
      DuplicateGroup group;
      group.devices = end - start;
      group.value_index = suspects[start];  // stable sort: the first in column order
      for (std::size_t i = start; i < end && group.rows.size() < kRowsKeptPerGroup; ++i)
        group.rows.push_back(suspects[i]);
      groups.push_back(std::move(group));
    }
    start = end;
  }
  std::ranges::sort(groups, {}, &DuplicateGroup::value_index);
  if (groups.size() > kGroupsKept)
    groups.resize(kGroupsKept);
  result.groups = std::move(groups);
  return result;
}

// Column positions become device rows, so that groups name devices.
template <typename Value>
void to_device_rows(UniquenessResult& result, const CredentialColumn<Value>& column) {
  for (auto& group : result.groups)
    for (auto& row : group.rows)
      row = column.rows[row];
}

StrengthResult password_strength(const FleetTable& table, double threshold) {
  StrengthResult result;
  result.passwords = table.password_tags.size();
  result.threshold_bits = threshold;
  const auto& estimates = table.password_entropy_bits;
  result.estimated = estimates.size();
  if (estimates.empty())
    return result;
  std::vector<double> bits = estimates.values;
  result.min_bits = *std::ranges::min_element(bits);
  result.mean_bits = std::accumulate(bits.begin(), bits.end(), 0.0) / static_cast<double>(bits.size());
  const std::size_t middle = bits.size() / 2;
  std::ranges::nth_element(bits, bits.begin() + static_cast<std::ptrdiff_t>(middle));
  result.median_bits = bits[middle];
  if (bits.size() % 2 == 0)
    result.median_bits =
        (result.median_bits +
         *std::max_element(bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(middle))) /
        2;
  for (std::size_t i = 0; i < estimates.size(); ++i) {
    if (estimates.values[i] < threshold) {
      ++result.below_threshold;
      if (result.weak_rows.size() < kWeakRowsKept)
        result.weak_rows.push_back(estimates.rows[i]);
    }
  }
  return result;
}

// ---- Words
// -------------------------------------------------------------------------------------------------

std::string hex_prefix(const Digest& digest) {
  return fmt::format("{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2],
                     digest[3], digest[4], digest[5], digest[6], digest[7]);
}

// One duplicate group in words. A serial is named by itself and the devices' positions in the source; a
// key by the start of its fingerprint (public); a PSK or password by nothing but the serials sharing it.
std::string describe_group(const FleetTable& table, const UniquenessResult& result,
                           const DuplicateGroup& group) {
  std::vector<std::string> names;
  const bool serial = result.check_id == "serials-unique";
  for (const std::uint32_t row : group.rows)
    names.push_back(serial ? fmt::format("#{}", row + 1) : std::string(table.serials[row]));
  std::string list = fmt::format("{}", fmt::join(names, ", "));
  if (group.devices > group.rows.size())
    list += fmt::format(" and {} more", group.devices - group.rows.size());
  if (serial)
    return fmt::format("serial {} is on {} devices (entries {})", table.serials[group.rows.front()],
                       group.devices, list);
  if (result.check_id == "keys-unique")
    return fmt::format("{} share one public key (SHA-256 {}...)", list,
                       hex_prefix(table.key_fingerprints.values[group.value_index]));
  if (result.check_id == "psk-identities-unique")
    return fmt::format("{} share PSK identity {}", list, table.psk_identities.values[group.value_index]);
  return fmt::format("{} share one {}", list, result.what);
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

std::string uniqueness_detail(const FleetTable& table, const UniquenessResult& result) {
  if (result.unique())
    return fmt::format("{} devices with a {}; no {} is held by more than one device", result.values,
                       result.what, result.what);
  std::string detail = fmt::format(
      "{} devices with a {}; {} held by more than one device ({} devices): ", result.values, result.what,
      plural(result.duplicate_values, "value is", "values are"), result.devices_affected);
  std::size_t shown = 0;
  for (const auto& group : result.groups) {
    std::string text = describe_group(table, result, group);
    if (detail.size() + text.size() + 64 > limits::max_fleet_detail_bytes)
      break;
    detail += (shown == 0 ? "" : "; ") + text;
    ++shown;
  }
  if (shown < result.duplicate_values)
    detail += fmt::format("; and {} more", result.duplicate_values - shown);
  return detail;
}

std::string bits(double value) {
  return fmt::format("{:.1f}", value);
}

std::string strength_detail(const FleetTable& table, const StrengthResult& strength) {
  if (strength.estimated == 0)
    return fmt::format("{} default passwords, none with a strength estimate", strength.passwords);
  std::string detail = fmt::format(
      "{} default passwords, {} with a strength estimate (zxcvbn, bits): min {}, median {}, mean {}; {} "
      "below "
      "{} bits",
      strength.passwords, strength.estimated, bits(strength.min_bits), bits(strength.median_bits),
      bits(strength.mean_bits), strength.below_threshold, bits(strength.threshold_bits));
  if (!strength.weak_rows.empty()) {
    std::vector<std::string_view> names;
    for (const std::uint32_t row : strength.weak_rows)
      names.push_back(table.serials[row]);
    detail += fmt::format(": {}", fmt::join(names, ", "));
    if (strength.below_threshold > names.size())
      detail += fmt::format(" and {} more", strength.below_threshold - names.size());
  }
  return detail;
}

// What `en18031 provision` records for OpenSSL's deterministic generator (NIST SP 800-90A), seeded from
// the operating system: best practice for key generation.
bool recognised_generator(std::string_view rng) {
  return rng.starts_with("OpenSSL ") && rng.find("DRBG") != std::string_view::npos;
}

}  // namespace

std::expected<FleetTable, Error> read_registry_fleet(const Registry& registry) {
  const std::string name = registry.name();
  FleetTable table;
  table.has_entropy_estimates = true;
  std::vector<std::int64_t> run_ids;
  auto scanned = registry.scan_fleet([&](const FleetRow& row) -> std::expected<void, Error> {
    if (table.serials.size() >= limits::max_fleet_devices)
      return std::unexpected(
          Error::message(fmt::format("registry {} has more than {} devices; the limit is {}", name,
                                     limits::max_fleet_devices, limits::max_fleet_devices)));
    const auto index = static_cast<std::uint32_t>(table.serials.size());
    const std::string_view serial = table.arena.keep(row.serial);
    table.serials.push_back(serial);
    if (std::ranges::find(run_ids, row.run_id) == run_ids.end())
      run_ids.push_back(row.run_id);
    if (row.status == "revoked")
      ++table.revoked;
    const auto digest = [&](const std::optional<std::span<const std::uint8_t>>& blob, std::string_view what,
                            CredentialColumn<Digest>& into) -> std::expected<void, Error> {
      if (!blob)
        return {};
      Digest value{};
      if (blob->size() != value.size())
        return std::unexpected(Error::message(
            fmt::format("registry {}: device {}: {} is {} bytes, not 32", name, serial, what, blob->size())));
      std::ranges::copy(*blob, value.begin());
      into.add(index, value);
      return {};
    };
    for (auto done : {digest(row.key_fingerprint, "key_fingerprint", table.key_fingerprints),
                      digest(row.psk_tag, "psk_tag", table.psk_tags),
                      digest(row.password_tag, "password_tag", table.password_tags)})
      if (!done)
        return done;
    if (row.psk_identity)
      table.psk_identities.add(index, table.arena.keep(*row.psk_identity));
    if (row.password_tag && row.password_entropy_bits)
      table.password_entropy_bits.add(index, *row.password_entropy_bits);
    return {};
  });
  if (!scanned)
    return std::unexpected(scanned.error());

  auto runs = registry.runs();
  if (!runs)
    return std::unexpected(runs.error());
  for (auto& run : *runs) {
    if (std::ranges::find(run_ids, run.id) == run_ids.end())
      continue;  // a run that provisioned nothing generated no key here
    if (std::ranges::find(table.rng, run.rng) == table.rng.end())
      table.rng.push_back(std::move(run.rng));
  }
  return table;
}

bool FleetReport::clean() const {
  return std::ranges::all_of(uniqueness, &UniquenessResult::unique) &&
         (!strength || strength->below_threshold == 0);
}

FleetReport check_fleet(const FleetTable& table, double min_entropy_bits, unsigned threads) {
  FleetReport report;
  report.devices = table.size();
  report.revoked = table.revoked;
  // One task per column present, run on up to `threads` threads; results land in their fixed slots.
  std::vector<std::function<UniquenessResult()>> tasks;
  tasks.push_back([&] {
    return find_duplicates<std::string_view>("serials-unique", "serial", table.serials,
                                             [](const std::string_view& text) { return text_prefix(text); });
  });
  const auto digest_task = [&](std::string id, std::string what, const CredentialColumn<Digest>& column) {
    if (!column.empty())
      tasks.push_back([&column, id, what] {
        auto result = find_duplicates<Digest>(id, what, column.values,
                                              [](const Digest& digest) { return digest_prefix(digest); });
        to_device_rows(result, column);
        return result;
      });
  };
  digest_task("keys-unique", "public key", table.key_fingerprints);
  if (!table.psk_identities.empty())
    tasks.push_back([&] {
      auto result = find_duplicates<std::string_view>(
          "psk-identities-unique", "PSK identity", table.psk_identities.values,
          [](const std::string_view& text) { return text_prefix(text); });
      to_device_rows(result, table.psk_identities);
      return result;
    });
  digest_task("psks-unique", "PSK", table.psk_tags);
  digest_task("passwords-unique", "default password", table.password_tags);

  report.uniqueness.resize(tasks.size());
  std::atomic<std::size_t> next = 0;
  const auto work = [&] {
    for (std::size_t task; (task = next++) < tasks.size();)
      report.uniqueness[task] = tasks[task]();
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned i = 1; i < std::max(1u, threads); ++i)
      helpers.emplace_back(work);
    work();
  }
  if (!table.password_tags.empty())
    report.strength = password_strength(table, min_entropy_bits);
  return report;
}

std::expected<nlohmann::json, Error> fleet_evidence(const FleetTable& table, const FleetReport& report,
                                                    const FleetSource& source, const Catalogue& catalogue) {
  const bool has_keys = !table.key_fingerprints.empty() || !table.psk_tags.empty();
  const bool has_passwords = !table.password_tags.empty();
  std::vector<evidence::Finding> findings;
  const auto result_of = [](bool pass) { return pass ? CheckResult::pass : CheckResult::fail; };
  for (const auto& result : report.uniqueness)
    findings.push_back({result.check_id, result_of(result.unique()), uniqueness_detail(table, result)});
  if (report.strength) {
    const StrengthResult& strength = *report.strength;
    const CheckResult result = strength.below_threshold > 0              ? CheckResult::fail
                               : strength.estimated < strength.passwords ? CheckResult::inconclusive
                                                                         : CheckResult::pass;
    std::string detail = strength_detail(table, strength);
    if (strength.estimated > 0 && strength.estimated < strength.passwords && strength.below_threshold == 0)
      detail += fmt::format("; {} passwords have no estimate, so their strength is unknown",
                            strength.passwords - strength.estimated);
    findings.push_back({"password-strength", result, std::move(detail)});
  }
  if (has_keys) {
    std::string detail;
    CheckResult result = CheckResult::inconclusive;
    if (table.rng.empty()) {
      detail = fmt::format("the {} does not say how the keys were generated", source.kind);
    } else if (source.kind == "registry") {
      const bool all_recognised = std::ranges::all_of(table.rng, recognised_generator);
      detail = fmt::format("keys and PSKs were generated by en18031 provision with: {}",
                           fmt::join(table.rng, "; "));
      if (all_recognised) {
        result = CheckResult::pass;
        detail +=
            " (a deterministic random bit generator after NIST SP 800-90A, seeded by the operating system)";
      } else {
        detail +=
            " (not a generator this check recognises as best practice; describe it under the requirement "
            "this "
            "record names)";
      }
    } else {
      detail = fmt::format(
          "the manifest declares: {}; en18031 did not generate these keys, so describe the other factory's "
          "key generation under the requirement this record names",
          table.rng.front());
    }
    findings.push_back({"key-generation", result, std::move(detail)});
  }

  std::vector<evidence::MeasuredInput> inputs;
  if (!source.sha256.empty())
    inputs.push_back({source.path, source.sha256});
  evidence::RecordHead head{
      .tool = std::string(kFleetCheckTool),
      .tool_version = source.tool_version,
      .created = source.created,
      .subject = fmt::format("fleet check of {} {}: {} devices", source.kind, source.path, report.devices),
      .conditions = {}};
  if (source.kind == "registry")
    head.subject += fmt::format(" ({} revoked)", report.revoked);
  if (has_keys)
    head.conditions.push_back("fleet-has-keys");
  if (has_passwords)
    head.conditions.push_back("fleet-has-passwords");
  return evidence::make_record(head, findings, inputs, catalogue);
}

std::string fleet_summary(const FleetTable& table, const FleetReport& report) {
  std::string out = fmt::format("{} devices", report.devices);
  if (report.revoked > 0)
    out += fmt::format(" ({} revoked, still checked)", report.revoked);
  out += "\n";
  for (const auto& result : report.uniqueness) {
    const std::string many = result.what.ends_with("ty")
                                 ? result.what.substr(0, result.what.size() - 1) + "ies"
                                 : result.what + "s";
    out += fmt::format("{}: {} {}, ", result.check_id, result.values, many);
    if (result.unique()) {
      out += "all distinct\n";
      continue;
    }
    out += fmt::format("DUPLICATES: {} held by more than one device ({} devices)\n",
                       plural(result.duplicate_values, "value is", "values are"), result.devices_affected);
    const std::size_t printed = std::min(result.groups.size(), kGroupsPrinted);
    for (std::size_t i = 0; i < printed; ++i)
      out += "  " + describe_group(table, result, result.groups[i]) + "\n";
    if (result.duplicate_values > printed)
      out += fmt::format("  and {} more\n", result.duplicate_values - printed);
  }
  if (report.strength) {
    out += "password-strength: " + strength_detail(table, *report.strength) + "\n";
  }
  if (!table.key_fingerprints.empty() || !table.psk_tags.empty()) {
    if (table.rng.empty())
      out += "key-generation: not recorded\n";
    for (const auto& rng : table.rng)
      out += "key-generation: " + rng + "\n";
  }
  return out;
}

}  // namespace en18031::factory
