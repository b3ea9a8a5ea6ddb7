// A whole file mapped read-only, and bounds-checked slices of it: a 3 GB manifest or firmware image is read
// where the page cache holds it, never copied. The scanner reads every block through this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::io {

class MappedFile {
 public:
  // Maps `path` (a regular file of at most `limit` bytes). An empty file maps to an empty span.
  static std::expected<MappedFile, Error> open(const std::string& path, std::size_t limit);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const std::uint8_t> bytes() const { return {static_cast<const std::uint8_t*>(address_), size_}; }
  std::string_view text() const { return {static_cast<const char*>(address_), size_}; }
  std::size_t size() const { return size_; }
  // `length` bytes from `offset`, or nullopt when any of them lies outside the file (overflow-safe).
  std::optional<std::span<const std::uint8_t>> slice(std::size_t offset, std::size_t length) const;

 private:
  MappedFile() = default;
  void* address_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace en18031::io
