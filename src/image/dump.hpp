// A parsed image as text, in the layout of imgtool 2.4.0's `dumpinfo` so the two can be compared line by
// line, followed by the trailer fields imgtool leaves out.
#pragma once

#include <string>

#include "image/mcuboot.hpp"

namespace en18031::image {

std::string dump_image(const Image& image, const std::string& file_name);

}  // namespace en18031::image
