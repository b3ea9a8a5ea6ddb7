// libFuzzer target for the CPE 2.3 and package URL parsers: any bytes as a CPE name and as a purl. Both
// come from SBOMs and feeds; nothing may crash, a parsed CPE matches itself (a value without wildcards)
// and ANY matches it, and a parsed purl always has a type and a name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vuln/identifiers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::vuln;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto cpe = parse_cpe(input)) {
    if (!cpe_matches(Cpe{}, *cpe))
      std::abort();
    bool plain = true;
    for (const auto& attribute : cpe->attributes)
      plain = plain && !attribute.has_wildcards();
    if (plain && !cpe_matches(*cpe, *cpe))
      std::abort();
  }
  if (const auto purl = parse_purl(input)) {
    if (purl->type.empty() || purl->name.empty())
      std::abort();
    (void)osv_package(*purl);
  }
  return 0;
}
