// libFuzzer target for the version comparators: two versions from one input (split at the first NUL), in
// every scheme. Versions come from SBOMs and feeds written by others; nothing may crash, and an answer
// must be an order: antisymmetric (a<b exactly when b>a), reflexive (a==a) and consistent with "0".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vuln/version.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::vuln;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto cut = input.find('\0');
  const std::string_view a = input.substr(0, cut);
  const std::string_view b = cut == std::string_view::npos ? std::string_view{"1.0"} : input.substr(cut + 1);
  for (const auto scheme :
       {VersionScheme::debian, VersionScheme::semver, VersionScheme::openssl, VersionScheme::generic}) {
    const auto forward = compare_versions(scheme, a, b);
    const auto backward = compare_versions(scheme, b, a);
    if (forward.has_value() != backward.has_value())
      std::abort();
    if (forward && (*forward == std::strong_ordering::less) != (*backward == std::strong_ordering::greater))
      std::abort();
    if (forward && (*forward == std::strong_ordering::equal) != (*backward == std::strong_ordering::equal))
      std::abort();
    const auto self = compare_versions(scheme, a, a);
    if (self && *self != std::strong_ordering::equal)
      std::abort();
  }
  return 0;
}
