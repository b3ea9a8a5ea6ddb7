// en18031 image dump IMAGE: header, TLV areas and trailer, laid out as imgtool dumpinfo prints them.
#include <filesystem>
#include <ostream>

#include "cli/image_common.hpp"
#include "image/dump.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

struct DumpOptions {
  std::string image;
};

int run_image_dump(Context& ctx, const DumpOptions& options) {
  auto bytes = io::read_file_bytes(options.image, limits::max_image_bytes);
  if (!bytes) {
    return report(ctx, bytes.error());
  }
  auto image = image::parse_image(*bytes, options.image);
  if (!image) {
    return report(ctx, image.error());
  }
  ctx.out << image::dump_image(*image, std::filesystem::path(options.image).filename().string());
  return exit_ok;
}

}  // namespace

void register_image_dump(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<DumpOptions>();
  CLI::App* command =
      parent.add_subcommand("dump", "Print an image's header, TLVs and trailer (as imgtool dumpinfo)");
  command->add_option("image", options->image, "The image file")->required();
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_image_dump(ctx, *options); }; });
}

}  // namespace en18031::cli
