// ext2, ext3 and ext4 through libext2fs, read from memory: an I/O manager whose channel reads the block
// it was given and refuses every write. The tree is walked iteratively; a directory met twice (a
// hard-linked or corrupt directory) is a loop and is not entered again.
extern "C" {  // com_err.h declares its functions without C linkage for C++
#include <et/com_err.h>
}
#include <cstring>
#include <set>
#include <utility>

#include <ext2fs/ext2fs.h>
#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"
#include "scan/unpack/streams.hpp"

namespace en18031::scan::unpack {

namespace {

constexpr std::size_t superblock_offset = 1024;

// The block the next channel opens: libext2fs opens its channel synchronously inside ext2fs_open2, on the
// calling thread, by name only.
thread_local std::span<const std::uint8_t> block_to_open;

struct MemoryChannel {
  std::span<const std::uint8_t> bytes;
};

errcode_t memory_read(io_channel channel, unsigned long long block, int count, void* data) {
  const auto& memory = *static_cast<MemoryChannel*>(channel->private_data);
  const std::uint64_t length = count < 0 ? static_cast<std::uint64_t>(-static_cast<std::int64_t>(count))
                                         : std::uint64_t(count) * channel->block_size;
  const std::uint64_t offset = block * static_cast<std::uint64_t>(channel->block_size);
  if (offset > memory.bytes.size() || length > memory.bytes.size() - offset) {
    std::memset(data, 0, length);
    return EXT2_ET_SHORT_READ;
  }
  std::memcpy(data, memory.bytes.data() + offset, length);
  return 0;
}

io_manager memory_manager();

errcode_t memory_open(const char* name, int flags, io_channel* out) {
  if (flags & IO_FLAG_RW)
    return EXT2_ET_RO_UNSUPP_FEATURE;
  auto* channel = static_cast<io_channel>(std::calloc(1, sizeof(struct struct_io_channel)));
  auto* memory = new (std::nothrow) MemoryChannel{block_to_open};
  char* copy = strdup(name ? name : "memory");
  if (!channel || !memory || !copy) {
    std::free(channel);
    delete memory;
    std::free(copy);
    return EXT2_ET_NO_MEMORY;
  }
  channel->magic = EXT2_ET_MAGIC_IO_CHANNEL;
  channel->manager = memory_manager();
  channel->name = copy;
  channel->block_size = 1024;
  channel->refcount = 1;
  channel->private_data = memory;
  *out = channel;
  return 0;
}

errcode_t memory_close(io_channel channel) {
  if (--channel->refcount > 0)
    return 0;
  delete static_cast<MemoryChannel*>(channel->private_data);
  std::free(channel->name);
  std::free(channel);
  return 0;
}

errcode_t memory_set_blksize(io_channel channel, int size) {
  channel->block_size = size;
  return 0;
}
errcode_t memory_read_blk(io_channel channel, unsigned long block, int count, void* data) {
  return memory_read(channel, block, count, data);
}
errcode_t memory_refuse_write(io_channel, unsigned long, int, const void*) {
  return EXT2_ET_RO_UNSUPP_FEATURE;
}
errcode_t memory_refuse_write64(io_channel, unsigned long long, int, const void*) {
  return EXT2_ET_RO_UNSUPP_FEATURE;
}
errcode_t memory_flush(io_channel) {
  return 0;
}
errcode_t memory_set_option(io_channel, const char*, const char*) {
  return EXT2_ET_INVALID_ARGUMENT;
}

io_manager memory_manager() {
  static struct struct_io_manager manager = [] {
    struct struct_io_manager value {};
    value.magic = EXT2_ET_MAGIC_IO_MANAGER;
    value.name = "en18031 memory (read-only)";
    value.open = memory_open;
    value.close = memory_close;
    value.set_blksize = memory_set_blksize;
    value.read_blk = memory_read_blk;
    value.write_blk = memory_refuse_write;
    value.flush = memory_flush;
    value.set_option = memory_set_option;
    value.read_blk64 = memory_read;
    value.write_blk64 = memory_refuse_write64;
    return value;
  }();
  return &manager;
}

std::string ext_error(errcode_t code) {
  const char* text = error_message(code);
  return text ? text : fmt::format("libext2fs error {}", code);
}

FileSystemEntry::Type type_of(std::uint16_t mode) {
  if (LINUX_S_ISREG(mode))
    return FileSystemEntry::Type::file;
  if (LINUX_S_ISDIR(mode))
    return FileSystemEntry::Type::directory;
  if (LINUX_S_ISLNK(mode))
    return FileSystemEntry::Type::symlink;
  if (LINUX_S_ISCHR(mode) || LINUX_S_ISBLK(mode))
    return FileSystemEntry::Type::device;
  if (LINUX_S_ISFIFO(mode))
    return FileSystemEntry::Type::fifo;
  if (LINUX_S_ISSOCK(mode))
    return FileSystemEntry::Type::socket;
  return FileSystemEntry::Type::other;
}

struct DirectoryEntry {
  std::string name;
  ext2_ino_t inode = 0;
};

int collect_entry(ext2_ino_t, int, struct ext2_dir_entry* entry, int, int, char*, void* data) {
  auto& entries = *static_cast<std::vector<DirectoryEntry>*>(data);
  const int length = ext2fs_dirent_name_len(entry);
  std::string name(entry->name, static_cast<std::size_t>(length));
  if (name != "." && name != ".." && entries.size() <= limits::max_archive_members)
    entries.push_back({std::move(name), entry->inode});
  return 0;
}

class Ext final : public Unpacker {
 public:
  std::string_view format() const override { return "ext"; }
  std::vector<Signature> signatures() const override { return {{"\\x53\\xef", 2, superblock_offset + 56}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < superblock_offset + 1024)
      return false;
    const auto super = bytes.subspan(superblock_offset, 1024);
    const std::uint32_t inodes = read_le32(super, 0);
    const std::uint32_t blocks = read_le32(super, 4);
    const std::uint32_t first_data_block = read_le32(super, 20);
    const std::uint32_t log_block_size = read_le32(super, 24);
    const std::uint32_t blocks_per_group = read_le32(super, 32);
    const std::uint32_t inodes_per_group = read_le32(super, 40);
    const std::uint16_t state = read_le16(super, 58);
    const std::uint32_t revision = read_le32(super, 76);
    return read_le16(super, 56) == 0xef53 && inodes > 0 && blocks > 0 && log_block_size <= 6 &&
           first_data_block == (log_block_size == 0 ? 1u : 0u) && blocks_per_group > 0 &&
           blocks_per_group <= 8u * (1024u << log_block_size) && inodes_per_group > 0 &&
           inodes_per_group <= inodes && state >= 1 && state <= 7 && revision <= 1;
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    const auto super = bytes.subspan(superblock_offset, 1024);
    const std::uint64_t block_size = 1024u << read_le32(super, 24);
    std::uint64_t blocks = read_le32(super, 4);
    if (read_le32(super, 96) & 0x80)  // INCOMPAT_64BIT: the high half of the block count
      blocks |= std::uint64_t{read_le32(super, 0x150)} << 32;
    const std::uint64_t length = blocks * block_size;
    sink.extent(std::min<std::uint64_t>(length, bytes.size()));
    if (length > bytes.size())
      return std::unexpected(
          fmt::format("truncated: the super block says {} bytes, {} are present", length, bytes.size()));
    if (read_le32(super, 0) > limits::max_archive_members)
      return std::unexpected(fmt::format("{} inodes, over the limit of {}: not unpacked", read_le32(super, 0),
                                         limits::max_archive_members));
    ext2_filsys fs = nullptr;
    block_to_open = bytes.first(length);
    const errcode_t opened = ext2fs_open2("image", nullptr, EXT2_FLAG_64BITS, 0, 0, memory_manager(), &fs);
    block_to_open = {};
    if (opened != 0)
      return std::unexpected(fmt::format("cannot open the file system: {}", ext_error(opened)));
    auto result = walk_tree(fs, sink);
    ext2fs_close_free(&fs);
    if (!result)
      return std::unexpected(std::move(result.error()));
    return length;
  }

 private:
  std::expected<void, std::string> walk_tree(ext2_filsys fs, Sink& sink) const {
    std::vector<std::pair<std::string, ext2_ino_t>> directories = {{"", EXT2_ROOT_INO}};
    std::set<ext2_ino_t> seen = {EXT2_ROOT_INO};
    std::size_t members = 0;
    sink.entry(FileSystemEntry::Type::directory, "/", "", 040755, 0);
    while (!directories.empty()) {
      auto [directory, directory_inode] = std::move(directories.back());
      directories.pop_back();
      std::vector<DirectoryEntry> entries;
      if (errcode_t status = ext2fs_dir_iterate2(fs, directory_inode, 0, nullptr, collect_entry, &entries);
          status != 0) {
        sink.problem(directory.empty() ? "/" : directory,
                     fmt::format("cannot read the directory: {}", ext_error(status)));
        continue;
      }
      for (const DirectoryEntry& item : entries) {
        if (++members > limits::max_archive_members)
          return std::unexpected(
              fmt::format("more than {} entries: the rest is not unpacked", limits::max_archive_members));
        const std::string path = directory + "/" + displayable(item.name);
        struct ext2_inode inode {};
        if (errcode_t status = ext2fs_read_inode(fs, item.inode, &inode); status != 0) {
          sink.problem(path, fmt::format("cannot read inode {}: {}", item.inode, ext_error(status)));
          continue;
        }
        const FileSystemEntry::Type type = type_of(inode.i_mode);
        const std::uint64_t size = EXT2_I_SIZE(&inode);
        std::string target;
        if (type == FileSystemEntry::Type::symlink)
          target = read_link(fs, item.inode, inode);
        sink.entry(type, path, target, inode.i_mode, size);
        if (type == FileSystemEntry::Type::symlink && link_leaves_root(path, target))
          sink.problem(path,
                       fmt::format("symlink to {} points outside the file system: recorded, not followed",
                                   displayable(target)));
        if (type == FileSystemEntry::Type::directory) {
          if (!seen.insert(item.inode).second)
            sink.problem(path,
                         fmt::format("directory inode {} is met a second time (a loop): not entered again",
                                     item.inode));
          else
            directories.emplace_back(path, item.inode);
        }
        if (type == FileSystemEntry::Type::file) {
          if (auto read = read_file(fs, item.inode, path, size, inode.i_mode, sink); !read)
            return read;
        }
      }
    }
    return {};
  }

  static std::string read_link(ext2_filsys fs, ext2_ino_t number, struct ext2_inode& inode) {
    const std::uint64_t size = std::min<std::uint64_t>(EXT2_I_SIZE(&inode), 4096);
    if (ext2fs_is_fast_symlink(&inode))
      return std::string(reinterpret_cast<const char*>(inode.i_block),
                         std::min<std::uint64_t>(size, sizeof inode.i_block));
    std::string target(size, '\0');
    ext2_file_t file = nullptr;
    unsigned int got = 0;
    if (ext2fs_file_open2(fs, number, &inode, 0, &file) == 0) {
      if (ext2fs_file_read(file, target.data(), static_cast<unsigned int>(size), &got) != 0)
        got = 0;
      ext2fs_file_close(file);
    }
    target.resize(got);
    return target;
  }

  std::expected<void, std::string> read_file(ext2_filsys fs, ext2_ino_t number, const std::string& path,
                                             std::uint64_t size, std::uint32_t mode, Sink& sink) const {
    if (size > limits::max_inspected_file_bytes) {
      sink.problem(path, fmt::format("{} bytes, over the limit of {} for one file: not inspected", size,
                                     limits::max_inspected_file_bytes));
      return {};
    }
    if (!sink.take(size))
      return std::unexpected(
          fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
    Bytes content(static_cast<std::size_t>(size));
    ext2_file_t file = nullptr;
    if (errcode_t status = ext2fs_file_open(fs, number, 0, &file); status != 0) {
      sink.problem(path, fmt::format("cannot open the file: {}", ext_error(status)));
      return {};
    }
    std::uint64_t done = 0;
    errcode_t status = 0;
    while (done < size) {
      unsigned int got = 0;
      const auto piece = static_cast<unsigned int>(std::min<std::uint64_t>(size - done, 1u << 24));
      status = ext2fs_file_read(file, content.data() + done, piece, &got);
      if (status != 0 || got == 0)
        break;
      done += got;
    }
    ext2fs_file_close(file);
    if (done < size) {
      sink.problem(path, fmt::format("cannot read the file at offset {}: {}", done,
                                     status != 0 ? ext_error(status) : "it ends early"));
      return {};
    }
    sink.file(path, std::move(content), mode);
    return {};
  }
};

}  // namespace

void add_ext_unpacker(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<Ext>());
}

}  // namespace en18031::scan::unpack
