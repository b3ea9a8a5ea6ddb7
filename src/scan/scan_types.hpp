// The contract between the firmware walk (unpacking, src/scan/walk + unpack/) and the analysis that judges
// what it finds (rules and detectors, src/scan/analysis + detect/).
//
// The walk sees only memory blocks: it maps the input, carves and unpacks embedded objects under the
// limits of src/limits.hpp, runs the one-pass matcher over every block and hands each object, its pattern
// hits and every file-system entry to an Analysis. The analysis never touches files, sockets or
// processes; the walk never names a rule, a check or a requirement.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace en18031::scan {

// Where something is, outermost first: {"fw.bin", "rootfs.squashfs@0x200040", "/etc/shadow"}. The last
// element is the path inside the innermost file system when there is one. Printed joined with " → ".
struct Place {
  std::vector<std::string> chain;
  std::string path;  // path inside the innermost file system ("/etc/shadow"); empty for a raw block
};

// One pattern the matcher runs over every block. Patterns are compiled once (vectorscan, Hyperscan's
// API: the PCRE subset it supports, see docs/scan-rules.md) into one database.
struct Pattern {
  std::string id;  // the rule it belongs to, for messages
  std::string expression;
  bool caseless = false;
  bool dot_all = false;
  bool multi_line = false;
};

// A match: pattern index into Analysis::patterns(), and the end offset of the match in the block
// (vectorscan reports ends; a detector that needs the start re-validates from a bounded window before it).
struct PatternHit {
  std::uint32_t pattern = 0;
  std::uint64_t end = 0;
};

// An object the walk hands over: the input image itself, a carved object nothing could unpack further,
// or a regular file of an unpacked file system or archive. The bytes are valid during the call only.
struct ScannedObject {
  enum class Kind { image, carved, file };
  Kind kind = Kind::file;
  Place place;
  std::span<const std::uint8_t> bytes;
  std::uint32_t mode = 0;  // POSIX mode bits for files of a file system or archive, 0 when unknown
};

// Everything in an unpacked file system or archive that is not a regular file, and the files too (so a
// detector can see the tree: busybox applet links, init scripts referring to daemons).
struct FileSystemEntry {
  enum class Type { file, directory, symlink, hard_link, device, fifo, socket, other };
  Type type = Type::file;
  Place place;
  std::string link_target;  // symlinks and hard links: as stored, never resolved outside the file system
  std::uint32_t mode = 0;
  std::uint64_t size = 0;
};

// An object that could not be fully unpacked (truncated, corrupt, over a limit, unsupported): reported as
// an inconclusive finding with the reason; the scan goes on.
struct Problem {
  Place place;
  std::string reason;  // "truncated at 0x1f00: the squashfs super block says 4096 more bytes"
};

// What the analysis receives. Implementations must be thread-safe: the walk calls inspect() for files of
// an unpacked tree from several worker threads.
class Analysis {
 public:
  virtual ~Analysis() = default;
  virtual std::span<const Pattern> patterns() const = 0;
  virtual void inspect(const ScannedObject& object, std::span<const PatternHit> hits) = 0;
  virtual void entry(const FileSystemEntry& entry) = 0;
  virtual void problem(const Problem& problem) = 0;
};

}  // namespace en18031::scan
