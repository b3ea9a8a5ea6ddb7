#include "load/text_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::load {

std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& why) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    why = error.message();
    return std::nullopt;
  }
  if (size > limits::max_document_bytes) {
    why = fmt::format("file is {} bytes; the limit is {} bytes", size, limits::max_document_bytes);
    return std::nullopt;
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    why = "cannot open file";
    return std::nullopt;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

}  // namespace en18031::load
