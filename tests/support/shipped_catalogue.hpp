// The catalogue in the source tree, loaded once per test process; every problem it has fails the test
// that first asked for it.
#pragma once

#include <gtest/gtest.h>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "load/catalogue_loader.hpp"

namespace en18031::testing {

inline const Catalogue& shipped() {
  static const Catalogue catalogue = [] {
    auto loaded = load::load_catalogue_from_directory(EN18031_SOURCE_DIR "/catalogue");
    for (const auto& problem : loaded.problems)
      ADD_FAILURE() << format_diagnostic(problem);
    return std::move(loaded.catalogue);
  }();
  return catalogue;
}

}  // namespace en18031::testing
