// libFuzzer target for the provisioning recipe loader: any bytes as recipe.yaml. A recipe comes from a
// factory's configuration, which may be edited by hand or generated; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "factory/recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<en18031::Diagnostic> problems;
  const auto recipe = en18031::factory::parse_recipe(text, "recipe.yaml", problems);
  if (recipe && recipe->psk)
    (void)en18031::factory::expand_template(recipe->psk->identity, "SN-1");
  return 0;
}
