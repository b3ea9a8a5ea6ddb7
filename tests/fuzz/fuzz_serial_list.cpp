// libFuzzer target for the serial list parser: any bytes as a `provision --serials` file. A list comes from
// another system (an MES export, a modem vendor's IMEI sheet); nothing may crash, and what the parser
// accepts must be a list the provisioning run can trust: every serial valid and none repeated.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "factory/serials.hpp"
#include "limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto kind : {factory::SerialKind::text, factory::SerialKind::imei}) {
    const auto serials = factory::parse_serial_list(text, "serials.txt", kind);
    if (!serials) {
      if (serials.error().diagnostics.empty() ||
          serials.error().diagnostics.size() > limits::max_serial_list_problems + 1)
        std::abort();
      continue;
    }
    std::unordered_set<std::string_view> seen;
    for (const auto& serial : *serials)
      if (!factory::serial_problem(serial, kind).empty() || !seen.insert(serial).second)
        std::abort();
  }
  return 0;
}
