// Tables that tie each enum of the core to its one spelling in files and output, and the two lookups
// over them. Internal to src/core.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace en18031::spellings {

template <typename Enum, std::size_t N>
using Table = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
constexpr std::string_view spell(const Table<Enum, N>& table, Enum value) {
  for (const auto& [candidate, text] : table) {
    if (candidate == value)
      return text;
  }
  return "?";
}

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parse(const Table<Enum, N>& table, std::string_view text) {
  for (const auto& [candidate, spelling] : table) {
    if (spelling == text)
      return candidate;
  }
  return std::nullopt;
}

}  // namespace en18031::spellings
