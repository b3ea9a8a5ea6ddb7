// libFuzzer target for the feed reader: any bytes as an NVD, OSV or KEV JSON document (the kind is told by
// the document, as on import), and as an SBOM and a VEX document. Feeds and SBOMs come from outside; nothing
// may crash, a record handed out is one the stored form reads back, and problems stay within their limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "limits.hpp"
#include "vuln/feed.hpp"
#include "vuln/sbom.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::vuln;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  FeedSink sink;
  sink.vulnerability = [](const Vulnerability& v, FeedKind) {
    const auto again = vulnerability_from_json(vulnerability_to_json(v));
    if (!again || again->id != v.id)
      std::abort();
    const std::vector<Component> none;
    (void)match_vulnerability(v, none);
  };
  sink.kev = [](const KevEntry& entry) {
    if (!entry.cve.starts_with("CVE-"))
      std::abort();
  };
  if (const auto summary = read_feed_stream(in, "feed.json", sink))
    if (summary->problems.size() > en18031::limits::max_feed_problems)
      std::abort();
  if (const auto sbom = load_sbom(text, "sbom.json"))
    for (const auto& component : sbom->components)
      if (component.cpe.has_value() == component.cpe_text.empty())
        std::abort();
  (void)load_vex(text, "vex.json");
  return 0;
}
