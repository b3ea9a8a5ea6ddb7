// catalogue/*.yaml -> Catalogue. Reads the index (catalogue.yaml), every family file and every check file
// (catalogue/checks/) it lists, keeping the file:line:col of each item, and reports every structural
// problem it meets (wrong types, missing or unknown keys, bad enum values, limits). Semantic checks live in
// core/validate.hpp.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"

namespace en18031::load {

struct CatalogueLoad {
  Catalogue catalogue;               // as much as could be read; reindexed
  std::vector<Diagnostic> problems;  // structural problems, in reading order

  bool ok() const { return problems.empty(); }
};

// Returns the text of a catalogue file given its name relative to the catalogue folder, or nullopt
// with a reason in `why` when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& name, std::string& why)>;

// Loads the catalogue whose index is `display_dir`/catalogue.yaml. `display_dir` prefixes every
// file name in diagnostics ("catalogue/acm.yaml:12:5: ...").
CatalogueLoad load_catalogue(const FileReader& read, const std::string& display_dir);

// Loads from a folder on disk (each file bounded by limits::max_document_bytes).
CatalogueLoad load_catalogue_from_directory(const std::filesystem::path& directory);

// Loaders for a single document, used by the fuzzers and the tests.
void read_catalogue_index(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                          std::vector<Diagnostic>& problems);
// Appends the requirements of one family file; returns the family id the file declares (empty if none).
std::string read_family_file(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                             std::vector<Diagnostic>& problems);
// Appends the conditions and checks of one check file (catalogue/checks/*.yaml).
void read_check_file(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                     std::vector<Diagnostic>& problems);

}  // namespace en18031::load
