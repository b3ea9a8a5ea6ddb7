// Archives through libarchive, read from memory: tar (ustar, GNU, pax), cpio (newc, crc, odc), zip, ar
// (and so .ipk/.deb, whose members are carved further). Compression is not enabled here: a tar.gz is a
// gzip stream whose payload is then recognised as a tar.
#include <algorithm>
#include <cstring>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"
#include "scan/unpack/streams.hpp"

namespace en18031::scan::unpack {

namespace {

// libarchive reads through this callback in small pieces, so that the bytes it asked for when it reached
// the end of the archive tell the archive's length closely enough for the carver to skip it.
struct MemorySource {
  std::span<const std::uint8_t> bytes;
  std::size_t position = 0;
  static constexpr std::size_t piece = 16 * 1024;
};

la_ssize_t read_piece(struct archive*, void* data, const void** buffer) {
  auto& source = *static_cast<MemorySource*>(data);
  const std::size_t length = std::min(MemorySource::piece, source.bytes.size() - source.position);
  *buffer = source.bytes.data() + source.position;
  source.position += length;
  return static_cast<la_ssize_t>(length);
}

bool all_of_digits(std::span<const std::uint8_t> field, bool hexadecimal) {
  return std::all_of(field.begin(), field.end(), [&](std::uint8_t c) {
    return (c >= '0' && c <= '7') || (c >= '8' && c <= '9') ||
           (hexadecimal && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
  });
}

FileSystemEntry::Type entry_type(struct archive_entry* entry) {
  if (archive_entry_hardlink(entry))
    return FileSystemEntry::Type::hard_link;
  switch (archive_entry_filetype(entry)) {
    case 0:  // ar stores permission bits only: every member is a file
    case AE_IFREG:
      return FileSystemEntry::Type::file;
    case AE_IFDIR:
      return FileSystemEntry::Type::directory;
    case AE_IFLNK:
      return FileSystemEntry::Type::symlink;
    case AE_IFCHR:
    case AE_IFBLK:
      return FileSystemEntry::Type::device;
    case AE_IFIFO:
      return FileSystemEntry::Type::fifo;
    case AE_IFSOCK:
      return FileSystemEntry::Type::socket;
    default:
      return FileSystemEntry::Type::other;
  }
}

class Archive : public Unpacker {
 public:
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    struct archive* reader = archive_read_new();
    if (!reader)
      return std::unexpected("libarchive cannot start");
    enable_format(reader);
    archive_read_support_filter_none(reader);
    MemorySource source{.bytes = bytes};
    auto result = read_all(reader, source, sink);
    archive_read_free(reader);
    return result;
  }

 protected:
  virtual void enable_format(struct archive* reader) const = 0;

 private:
  std::expected<std::uint64_t, std::string> read_all(struct archive* reader, MemorySource& source,
                                                     Sink& sink) const {
    auto failure = [&](std::string_view what) {
      const char* why = archive_error_string(reader);
      return std::unexpected(
          fmt::format("{} {}: {}", what, format(), displayable(why ? why : "unknown error")));
    };
    if (archive_read_open(reader, &source, nullptr, read_piece, nullptr) != ARCHIVE_OK)
      return failure("cannot open the");
    std::size_t members = 0;
    for (;;) {
      struct archive_entry* entry = nullptr;
      const int status = archive_read_next_header(reader, &entry);
      if (status == ARCHIVE_EOF)
        break;
      if (status == ARCHIVE_FATAL || status == ARCHIVE_RETRY)
        return failure(members == 0 ? "corrupt" : "corrupt or truncated");
      if (++members > limits::max_archive_members)
        return std::unexpected(
            fmt::format("more than {} members: the rest is not unpacked", limits::max_archive_members));
      const char* stored_name = archive_entry_pathname(entry);
      const std::string stored = stored_name ? stored_name : "";
      std::string path;
      switch (normalise_member_path(stored, true, path)) {
        case PathVerdict::absolute:
          sink.problem(displayable(stored), "absolute path in the archive: not unpacked");
          continue;
        case PathVerdict::leaves_root:
          sink.problem(displayable(stored), "the path leaves the archive's root (..): not unpacked");
          continue;
        case PathVerdict::empty:
          sink.problem("", fmt::format("member {} has no name: not unpacked", members));
          continue;
        case PathVerdict::ok:
          break;
      }
      const FileSystemEntry::Type type = entry_type(entry);
      const auto mode = static_cast<std::uint32_t>(archive_entry_mode(entry));
      const std::int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
      std::string target;
      if (type == FileSystemEntry::Type::symlink && archive_entry_symlink(entry))
        target = archive_entry_symlink(entry);
      if (type == FileSystemEntry::Type::hard_link)
        target = archive_entry_hardlink(entry);
      sink.entry(type, path, target, mode, static_cast<std::uint64_t>(std::max<std::int64_t>(declared, 0)));
      if (type == FileSystemEntry::Type::symlink && link_leaves_root(path, target))
        sink.problem(path,
                     fmt::format("symlink to {} points outside the archive's root: recorded, not followed",
                                 displayable(target)));
      if (type != FileSystemEntry::Type::file)
        continue;
      auto content = read_member(reader, source, path, declared, sink);
      if (!content)
        return std::unexpected(std::move(content.error()));
      if (*content)
        sink.file(path, std::move(**content), mode);
    }
    return std::min<std::uint64_t>(source.position, source.bytes.size());
  }

  // A member's bytes; nullopt when it was skipped (too large: reported); an error when the archive breaks.
  std::expected<std::optional<Bytes>, std::string> read_member(struct archive* reader,
                                                               const MemorySource& source,
                                                               const std::string& path, std::int64_t declared,
                                                               Sink& sink) const {
    // What the member consumed of the archive, for its expansion ratio (a zip bomb is one member).
    const std::size_t start = source.position;
    if (declared > static_cast<std::int64_t>(limits::max_inspected_file_bytes)) {
      sink.problem(path, fmt::format("{} bytes, over the limit of {} for one file: not inspected", declared,
                                     limits::max_inspected_file_bytes));
      return std::optional<Bytes>{};
    }
    Bytes content;
    // A header may claim any size: reserve no more than the archive could hold uncompressed.
    content.reserve(std::min<std::size_t>(static_cast<std::size_t>(std::max<std::int64_t>(declared, 0)),
                                          source.bytes.size()));
    char buffer[64 * 1024];
    for (;;) {
      const la_ssize_t got = archive_read_data(reader, buffer, sizeof buffer);
      if (got == 0)
        break;
      if (got < 0) {
        const char* why = archive_error_string(reader);
        return std::unexpected(fmt::format("corrupt or truncated {} at member {}: {}", format(), path,
                                           displayable(why ? why : "unknown error")));
      }
      if (!sink.take(static_cast<std::uint64_t>(got)))
        return std::unexpected(
            fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
      if (content.size() + static_cast<std::size_t>(got) > limits::max_inspected_file_bytes) {
        sink.problem(path, fmt::format("more than {} bytes, the limit for one file: not inspected",
                                       limits::max_inspected_file_bytes));
        return std::optional<Bytes>{};
      }
      content.insert(content.end(), buffer, buffer + got);
      if (auto problem =
              expansion_problem(format(), source.position - start + MemorySource::piece, content.size())) {
        sink.problem(path, *problem);
        return std::optional<Bytes>{};
      }
    }
    return std::optional<Bytes>{std::move(content)};
  }
};

class Tar final : public Archive {
 public:
  std::string_view format() const override { return "tar"; }
  std::vector<Signature> signatures() const override { return {{"ustar(\\x00|\\x20)", 6, 257}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 512 || std::memcmp(bytes.data() + 257, "ustar", 5) != 0)
      return false;
    // The header checksum: every byte summed with the checksum field counted as spaces (octal at 148).
    const auto field = bytes.subspan(148, 8);
    std::uint32_t stored = 0;
    std::size_t digits = 0;
    for (const std::uint8_t c : field) {
      if (c >= '0' && c <= '7') {
        stored = stored * 8 + (c - '0');
        ++digits;
      } else if (c != ' ' && c != 0) {
        return false;
      } else if (digits > 0) {
        break;
      }
    }
    std::uint32_t sum = 0;
    for (std::size_t index = 0; index < 512; ++index)
      sum += (index >= 148 && index < 156) ? ' ' : bytes[index];
    return digits > 0 && sum == stored;
  }

 protected:
  void enable_format(struct archive* reader) const override { archive_read_support_format_tar(reader); }
};

class Cpio final : public Archive {
 public:
  std::string_view format() const override { return "cpio"; }
  std::vector<Signature> signatures() const override { return {{"07070[127]", 6, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 110 || std::memcmp(bytes.data(), "07070", 5) != 0)
      return false;
    if (bytes[5] == '1' || bytes[5] == '2')
      return all_of_digits(bytes.subspan(6, 104), true);  // newc and crc: 13 fields of 8 hex digits
    if (bytes[5] == '7')
      return all_of_digits(bytes.subspan(6, 70), false);  // odc: octal fields
    return false;
  }

 protected:
  void enable_format(struct archive* reader) const override { archive_read_support_format_cpio(reader); }
};

class Zip final : public Archive {
 public:
  std::string_view format() const override { return "zip"; }
  std::vector<Signature> signatures() const override { return {{"PK\\x03\\x04", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 30 || read_le32(bytes, 0) != 0x04034b50)
      return false;
    const std::uint16_t version = read_le16(bytes, 4);
    const std::uint16_t method = read_le16(bytes, 8);
    const std::uint16_t name_length = read_le16(bytes, 26);
    static constexpr std::uint16_t methods[] = {0, 8, 9, 12, 14, 93, 95, 98, 99};
    return version <= 63 && std::find(std::begin(methods), std::end(methods), method) != std::end(methods) &&
           name_length > 0 && name_length <= 4096 && (read_le16(bytes, 6) & 0xf000) == 0 &&
           30u + name_length <= bytes.size();
  }

 protected:
  void enable_format(struct archive* reader) const override {
    archive_read_support_format_zip_streamable(reader);
  }
};

class Ar final : public Archive {
 public:
  std::string_view format() const override { return "ar"; }
  std::vector<Signature> signatures() const override { return {{"!<arch>\\x0a", 8, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    // The magic, then the first member's header ending in "`\n".
    return bytes.size() >= 68 && std::memcmp(bytes.data(), "!<arch>\n", 8) == 0 && bytes[66] == '`' &&
           bytes[67] == '\n';
  }

 protected:
  void enable_format(struct archive* reader) const override { archive_read_support_format_ar(reader); }
};

}  // namespace

void add_archive_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<Tar>());
  unpackers.push_back(std::make_unique<Cpio>());
  unpackers.push_back(std::make_unique<Zip>());
  unpackers.push_back(std::make_unique<Ar>());
}

}  // namespace en18031::scan::unpack
