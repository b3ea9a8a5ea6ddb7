// Finding and loading the catalogue, and resolving ids in it, for the commands that need them.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>

#include "cli/app.hpp"
#include "core/validate.hpp"
#include "crypto/sha256.hpp"
#include "load/catalogue_loader.hpp"
#include "load/text_file.hpp"

namespace en18031::cli {

namespace {

// True when `path` is `folder` or lies inside it, after resolving both (symlinks, "..").
bool lies_within(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code error;
  const auto resolved_path = std::filesystem::weakly_canonical(path, error);
  if (error)
    return false;
  const auto resolved_folder = std::filesystem::weakly_canonical(folder, error);
  if (error)
    return false;
  const auto relative = resolved_path.lexically_relative(resolved_folder);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

std::string catalogue_directory(const Context& ctx) {
  if (!ctx.catalogue_option.empty())  // --catalogue, or $EN18031_CATALOGUE through the option's envname
    return ctx.catalogue_option;
  // A binary in the build tree reads the source tree's catalogue; any other (installed, or unpacked from
  // the .deb) reads the catalogue installed beside it, and never falls back to the source tree, so that an
  // installation missing its catalogue says so instead of silently using a checkout that happens to exist.
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error || lies_within(executable, EN18031_BUILD_DIR))
    return EN18031_CATALOGUE_DIR;
  return (executable.parent_path() / EN18031_INSTALLED_CATALOGUE).lexically_normal().string();
}

std::optional<Catalogue> load_checked_catalogue(Context& ctx, std::string* digest) {
  const std::string directory = catalogue_directory(ctx);
  // The digest is over the very bytes the loader parsed, not a second read that could differ.
  std::map<std::string, std::string> file_hashes;  // name -> SHA-256, sorted by name
  const load::FileReader read = [&](const std::string& name, std::string& why) {
    auto text = load::read_text_file(std::filesystem::path(directory) / name, why);
    if (text)
      file_hashes[name] = crypto::sha256_hex(*text);
    return text;
  };
  auto loaded = load::load_catalogue(read, directory);
  auto problems = std::move(loaded.problems);
  const auto semantic = validate(loaded.catalogue);
  problems.insert(problems.end(), semantic.begin(), semantic.end());
  if (problems.empty()) {
    if (digest) {
      std::string listing;  // what sha256sum prints for the files, in name order
      for (const auto& [name, hash] : file_hashes)
        listing += hash + "  " + name + "\n";
      *digest = crypto::sha256_hex(listing);
    }
    return std::move(loaded.catalogue);
  }
  sort_diagnostics(problems);
  for (const auto& problem : problems)
    ctx.err << format_diagnostic(problem) << "\n";
  ctx.err << "en18031: the catalogue in " << directory << " has " << problems.size()
          << " problem(s); run 'en18031 catalogue validate' for details\n";
  return std::nullopt;
}

std::optional<ItemRef> resolve_or_report(Context& ctx, const Catalogue& catalogue, const std::string& id) {
  auto ref = catalogue.resolve(id);
  if (!ref) {
    ctx.err << "en18031: no requirement, decision node, category or information has the id '"
            << displayable(id) << "'\n";
  }
  return ref;
}

}  // namespace en18031::cli
