// One interface for every format the walk unpacks: recognise the object that starts a block (validating
// its header so random bytes yield nothing), then unpack it into memory, emitting what it holds.
//
// An unpacker never writes a file, never executes anything and never resolves a link: it only reads the
// block it is given and emits memory blocks and entries into a Sink, which applies the scan's limits.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scan/scan_types.hpp"

namespace en18031::scan::unpack {

using Bytes = std::vector<std::uint8_t>;

// A magic number the carver looks for at any offset: a vectorscan expression and where it sits in the
// object (tar's "ustar" is 257 bytes in). `expression` matches exactly `length` bytes.
struct Signature {
  std::string expression;
  std::size_t length = 0;
  std::size_t offset_in_object = 0;
};

// What the walk gives an unpacker to emit into. Paths are as stored in the object, "/" separated and
// starting with "/" (the unpacker normalises them; one that leaves the root is a problem, not a file).
class Sink {
 public:
  virtual ~Sink() = default;
  // Asks for `bytes` more of the scan's unpacked-bytes budget before producing them; false when the
  // budget is spent (the unpacker stops and returns the reason "the scan's unpacked-bytes budget ...").
  virtual bool take(std::uint64_t bytes) = 0;
  // A decompressed stream or a payload (gzip's content, a uImage's data): carved and unpacked further.
  virtual void payload(Bytes bytes) = 0;
  // A payload that lies as it is inside the block given to unpack() (a uImage's data): the walk carves it
  // where it is instead of copying it (bytes anywhere else are copied). `bytes` need stay valid for the
  // call only; a sink that keeps what it is given takes a copy.
  virtual void payload_in_place(std::span<const std::uint8_t> bytes) {
    payload(Bytes(bytes.begin(), bytes.end()));
  }
  // A regular file of a file system or archive: matched, inspected and unpacked further.
  virtual void file(std::string path, Bytes bytes, std::uint32_t mode) = 0;
  // Every entry of a file system or archive, files included.
  virtual void entry(FileSystemEntry::Type type, std::string path, std::string link_target,
                     std::uint32_t mode, std::uint64_t size) = 0;
  // The object's length, when known before unpack() fails (a truncated object runs to the end of the
  // block): the carver then skips what it covers instead of finding its inner objects a second time.
  virtual void extent(std::uint64_t length) = 0;
  // Threads an unpacker may use to decompress the files of a file system (each with its own decoder);
  // what it emits it still emits from the calling thread, in order.
  virtual unsigned threads() const { return 1; }
  // Something inside the object that could not be unpacked; `path` names the member, empty for the object.
  virtual void problem(std::string path, std::string reason) = 0;
};

class Unpacker {
 public:
  virtual ~Unpacker() = default;
  // The short name used in chains: "gzip", "squashfs", "uimage".
  virtual std::string_view format() const = 0;
  // Magic numbers to carve for; empty for formats recognised only at the start of a file (Intel HEX).
  virtual std::vector<Signature> signatures() const = 0;
  // Whether a valid object of this format starts at bytes[0] (header fields, sizes, CRCs). Cheap: the
  // carver calls it for every candidate.
  virtual bool recognise(std::span<const std::uint8_t> bytes) const = 0;
  // Unpacks the object that starts at bytes[0] (bytes may run past its end). Returns the object's length
  // in bytes, so the carver skips what it covers; or the reason it could not be unpacked (truncated,
  // corrupt, over a limit), which the walk reports as a problem of the object. Whatever was emitted before
  // the failure stays emitted.
  virtual std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                           Sink& sink) const = 0;
};

// Every unpacker, in the order the carver tries them on a candidate.
std::vector<std::unique_ptr<Unpacker>> all_unpackers();

// Helpers shared by the unpackers.

// A member path made absolute and clean ("./etc//x" -> "/etc/x"); nullopt when it is absolute in the
// archive (when `refuse_absolute`) or when ".." leads out of the root.
enum class PathVerdict { ok, absolute, leaves_root, empty };
PathVerdict normalise_member_path(std::string_view stored, bool refuse_absolute, std::string& out);
// Whether a symlink stored at `link_path` with `target` points outside the file system's root.
bool link_leaves_root(std::string_view link_path, std::string_view target);
// Reads a big- or little-endian integer; callers check the bounds first.
std::uint32_t read_be32(std::span<const std::uint8_t> bytes, std::size_t offset);
std::uint32_t read_le32(std::span<const std::uint8_t> bytes, std::size_t offset);
std::uint16_t read_le16(std::span<const std::uint8_t> bytes, std::size_t offset);
std::uint64_t read_le64(std::span<const std::uint8_t> bytes, std::size_t offset);
// The reason for a stream that grows past max_expansion_ratio; nullopt while it is within.
std::optional<std::string> expansion_problem(std::string_view format, std::uint64_t consumed,
                                             std::uint64_t produced);

}  // namespace en18031::scan::unpack
