// libFuzzer target for the catalogue loader: any bytes, read both as a family file and as the index,
// then indexed and validated. Nothing may crash, hang, leak or trip a sanitizer; every problem must come
// back as a Diagnostic.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"
#include "core/validate.hpp"
#include "load/catalogue_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  en18031::Catalogue catalogue;
  std::vector<en18031::Diagnostic> problems;
  en18031::load::read_catalogue_index(text, "fuzz/catalogue.yaml", catalogue, problems);
  en18031::load::read_family_file(text, "fuzz/acm.yaml", catalogue, problems);
  catalogue.reindex();
  auto semantic = en18031::validate(catalogue);
  problems.insert(problems.end(), semantic.begin(), semantic.end());
  std::size_t total = 0;
  for (const auto& problem : problems)
    total += en18031::format_diagnostic(problem).size();
  if (!catalogue.requirements.empty())
    (void)catalogue.resolve(catalogue.requirements.front().id);
  return total == static_cast<std::size_t>(-1);  // keeps the formatting from being optimised away
}
