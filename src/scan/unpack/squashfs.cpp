// SquashFS 4 through libsquashfs (squashfs-tools-ng), read from memory: every compressor it was built
// with (gzip, xz, lzma, lzo, lz4, zstd). libsquashfs builds the whole tree and refuses a directory that
// contains itself (a loop), which is reported as such.
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <libdeflate.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"
#include "scan/unpack/streams.hpp"

namespace en18031::scan::unpack {

namespace {

// A read-only sqfs_file_t over a memory block. Writes fail; nothing is ever written.
struct MemoryFile {
  sqfs_file_t file{};
  std::span<const std::uint8_t> bytes;

  explicit MemoryFile(std::span<const std::uint8_t> block) : bytes(block) {
    file.base.destroy = [](sqfs_object_t*) {};
    file.base.copy = [](const sqfs_object_t*) -> sqfs_object_t* { return nullptr; };
    file.read_at = [](sqfs_file_t* self, sqfs_u64 offset, void* buffer, size_t size) -> int {
      const auto& memory = *reinterpret_cast<MemoryFile*>(self);
      if (offset > memory.bytes.size() || size > memory.bytes.size() - offset)
        return SQFS_ERROR_OUT_OF_BOUNDS;
      std::memcpy(buffer, memory.bytes.data() + offset, size);
      return 0;
    };
    file.write_at = [](sqfs_file_t*, sqfs_u64, const void*, size_t) -> int { return SQFS_ERROR_IO; };
    file.get_size = [](const sqfs_file_t* self) -> sqfs_u64 {
      return reinterpret_cast<const MemoryFile*>(self)->bytes.size();
    };
    file.truncate = [](sqfs_file_t*, sqfs_u64) -> int { return SQFS_ERROR_IO; };
  }
};
static_assert(std::is_standard_layout_v<MemoryFile>);

std::string_view sqfs_error_text(int status) {
  switch (status) {
    case SQFS_ERROR_ALLOC:
      return "out of memory";
    case SQFS_ERROR_IO:
      return "read error";
    case SQFS_ERROR_COMPRESSOR:
      return "a block does not decompress";
    case SQFS_ERROR_CORRUPTED:
      return "corrupt metadata";
    case SQFS_ERROR_UNSUPPORTED:
      return "an unsupported feature or compressor";
    case SQFS_ERROR_OVERFLOW:
      return "a size overflows";
    case SQFS_ERROR_OUT_OF_BOUNDS:
      return "a table or block lies outside the image";
    case SQFS_ERROR_SUPER_BLOCK_SIZE:
      return "invalid block size";
    case SQFS_ERROR_NOT_DIR:
      return "a directory entry is not a directory";
    case SQFS_ERROR_NO_ENTRY:
      return "a missing entry";
    case SQFS_ERROR_LINK_LOOP:
      return "a directory loop (a directory contains itself)";
    case SQFS_ERROR_NOT_FILE:
      return "a file entry is not a file";
    default:
      return "corrupt image";
  }
}

// A squashfs gzip block is a whole zlib stream whose output fits in a known buffer (the block size, or a
// metadata block's 8 KiB): the case libdeflate is made for, where it inflates 2-3x faster than the zlib
// stream libsquashfs uses. This compressor wraps libsquashfs's own gzip compressor, which still reads the
// options, and gives it every block libdeflate refuses (corrupt, truncated, too large): such a block
// fails exactly as before, with the same error, and a valid one gives the same bytes (both check the
// stream's Adler-32).
struct LibdeflateGzip {
  sqfs_compressor_t base{};
  sqfs_compressor_t* zlib = nullptr;
  libdeflate_decompressor* inflater = nullptr;

  // Takes `zlib` over; gives it back unwrapped when there is no memory for the wrapper.
  static sqfs_compressor_t* wrap(sqfs_compressor_t* zlib_compressor) {
    auto* made = new (std::nothrow) LibdeflateGzip;
    libdeflate_decompressor* decompressor = made ? libdeflate_alloc_decompressor() : nullptr;
    if (!decompressor) {
      delete made;
      return zlib_compressor;
    }
    made->zlib = zlib_compressor;
    made->inflater = decompressor;
    made->base.base.destroy = destroy;
    made->base.base.copy = nullptr;  // never copied: each thread makes its own compressor
    made->base.get_configuration = get_configuration;
    made->base.write_options = [](sqfs_compressor_t*, sqfs_file_t*) -> int { return SQFS_ERROR_IO; };
    made->base.read_options = read_options;
    made->base.do_block = do_block;
    return &made->base;
  }

 private:
  static LibdeflateGzip* self(sqfs_object_t* object) { return reinterpret_cast<LibdeflateGzip*>(object); }
  static LibdeflateGzip* self(sqfs_compressor_t* object) { return reinterpret_cast<LibdeflateGzip*>(object); }

  static void destroy(sqfs_object_t* object) {
    LibdeflateGzip* wrapper = self(object);
    libdeflate_free_decompressor(wrapper->inflater);
    sqfs_destroy(wrapper->zlib);
    delete wrapper;
  }
  static void get_configuration(const sqfs_compressor_t* object, sqfs_compressor_config_t* config) {
    const sqfs_compressor_t* inner = reinterpret_cast<const LibdeflateGzip*>(object)->zlib;
    inner->get_configuration(inner, config);
  }
  static int read_options(sqfs_compressor_t* object, sqfs_file_t* file) {
    sqfs_compressor_t* inner = self(object)->zlib;
    return inner->read_options(inner, file);
  }
  static sqfs_s32 do_block(sqfs_compressor_t* object, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out,
                           sqfs_u32 out_size) {
    LibdeflateGzip* wrapper = self(object);
    std::size_t produced = 0;
    // sqfs_s32 holds the size produced: larger requests are left to zlib, which refuses them as before.
    if (size < 0x7fffffff && out_size < 0x7fffffff &&
        libdeflate_zlib_decompress(wrapper->inflater, in, size, out, out_size, &produced) ==
            LIBDEFLATE_SUCCESS)
      return static_cast<sqfs_s32>(produced);
    return wrapper->zlib->do_block(wrapper->zlib, in, size, out, out_size);
  }
};
static_assert(std::is_standard_layout_v<LibdeflateGzip>);

// The compressor libsquashfs made for the image, gzip's with libdeflate in front.
sqfs_compressor_t* with_fast_inflate(const sqfs_compressor_config_t& config, sqfs_compressor_t* compressor) {
  return config.id == SQFS_COMP_GZIP ? LibdeflateGzip::wrap(compressor) : compressor;
}

// Holds every libsquashfs object of one unpack and frees them in reverse order.
struct Readers {
  sqfs_compressor_t* compressor = nullptr;
  sqfs_id_table_t* ids = nullptr;
  sqfs_dir_reader_t* directories = nullptr;
  sqfs_data_reader_t* data = nullptr;
  sqfs_tree_node_t* root = nullptr;
  ~Readers() {
    sqfs_dir_tree_destroy(root);
    sqfs_destroy(data);
    sqfs_destroy(directories);
    sqfs_destroy(ids);
    sqfs_destroy(compressor);
  }
};

FileSystemEntry::Type type_of(const sqfs_inode_generic_t& inode) {
  switch (inode.base.type) {
    case SQFS_INODE_DIR:
    case SQFS_INODE_EXT_DIR:
      return FileSystemEntry::Type::directory;
    case SQFS_INODE_FILE:
    case SQFS_INODE_EXT_FILE:
      return FileSystemEntry::Type::file;
    case SQFS_INODE_SLINK:
    case SQFS_INODE_EXT_SLINK:
      return FileSystemEntry::Type::symlink;
    case SQFS_INODE_BDEV:
    case SQFS_INODE_CDEV:
    case SQFS_INODE_EXT_BDEV:
    case SQFS_INODE_EXT_CDEV:
      return FileSystemEntry::Type::device;
    case SQFS_INODE_FIFO:
    case SQFS_INODE_EXT_FIFO:
      return FileSystemEntry::Type::fifo;
    case SQFS_INODE_SOCKET:
    case SQFS_INODE_EXT_SOCKET:
      return FileSystemEntry::Type::socket;
    default:
      return FileSystemEntry::Type::other;
  }
}

class Squashfs final : public Unpacker {
 public:
  std::string_view format() const override { return "squashfs"; }
  std::vector<Signature> signatures() const override { return {{"hsqs", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 96 || std::memcmp(bytes.data(), "hsqs", 4) != 0)
      return false;
    const std::uint32_t inodes = read_le32(bytes, 4);
    const std::uint32_t block_size = read_le32(bytes, 12);
    const std::uint16_t compressor = read_le16(bytes, 20);
    const std::uint16_t block_log = read_le16(bytes, 22);
    const std::uint16_t major = read_le16(bytes, 28);
    const std::uint16_t minor = read_le16(bytes, 30);
    const std::uint64_t bytes_used = read_le64(bytes, 40);
    const std::uint64_t inode_table = read_le64(bytes, 64);
    const std::uint64_t directory_table = read_le64(bytes, 72);
    return major == 4 && minor == 0 && inodes > 0 && block_log >= 12 && block_log <= 20 &&
           block_size == (1u << block_log) && compressor >= 1 && compressor <= 6 && bytes_used >= 96 &&
           inode_table >= 96 && inode_table < bytes_used && directory_table > inode_table &&
           directory_table < bytes_used;
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    const std::uint64_t bytes_used = read_le64(bytes, 40);
    sink.extent(std::min<std::uint64_t>(bytes_used, bytes.size()));
    if (bytes_used > bytes.size())
      return std::unexpected(
          fmt::format("truncated: the super block says {} bytes, {} are present", bytes_used, bytes.size()));
    if (read_le32(bytes, 4) > limits::max_archive_members)
      return std::unexpected(fmt::format("{} inodes, over the limit of {}: not unpacked", read_le32(bytes, 4),
                                         limits::max_archive_members));
    // libsquashfs allocates its tables from these counts before reading them: a count that cannot fit in
    // the image is refused here (a fuzzed super block asked for 16 GB of fragment table).
    const std::uint64_t fragments = read_le32(bytes, 16);
    const std::uint64_t ids = read_le16(bytes, 26);
    if (fragments * 16 > bytes_used || ids * 4 > bytes_used)
      return std::unexpected(fmt::format(
          "corrupt super block: {} fragments and {} ids cannot fit in {} bytes", fragments, ids, bytes_used));
    MemoryFile memory(bytes.first(bytes_used));
    sqfs_file_t* file = &memory.file;
    sqfs_super_t super{};
    auto fail = [](std::string_view what, int status) {
      return std::unexpected(fmt::format("{}: {}", what, sqfs_error_text(status)));
    };
    if (int status = sqfs_super_read(&super, file); status != 0)
      return fail("invalid super block", status);
    Readers readers;
    sqfs_compressor_config_t config{};
    if (int status = sqfs_compressor_config_init(&config, static_cast<SQFS_COMPRESSOR>(super.compression_id),
                                                 super.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
        status != 0)
      return fail("compressor", status);
    if (int status = sqfs_compressor_create(&config, &readers.compressor); status != 0) {
      const char* name = sqfs_compressor_name_from_id(static_cast<SQFS_COMPRESSOR>(super.compression_id));
      return std::unexpected(
          fmt::format("compressed with {}, which libsquashfs on this system cannot decompress: "
                      "not unpacked",
                      name ? name : "an unknown compressor"));
    }
    readers.compressor = with_fast_inflate(config, readers.compressor);
    if (super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) {
      if (int status = readers.compressor->read_options(readers.compressor, file); status < 0)
        return fail("compressor options", status);
    }
    readers.ids = sqfs_id_table_create(0);
    readers.directories = sqfs_dir_reader_create(&super, readers.compressor, file, 0);
    readers.data = sqfs_data_reader_create(file, super.block_size, readers.compressor, 0);
    if (!readers.ids || !readers.directories || !readers.data)
      return std::unexpected("out of memory");
    if (int status = sqfs_id_table_read(readers.ids, file, &super, readers.compressor); status != 0)
      return fail("id table", status);
    if (int status = sqfs_data_reader_load_fragment_table(readers.data, &super); status != 0)
      return fail("fragment table", status);
    if (int status =
            sqfs_dir_reader_get_full_hierarchy(readers.directories, readers.ids, nullptr, 0, &readers.root);
        status != 0)
      return fail("directory tree", status);
    std::size_t members = 0;
    std::vector<FileJob> files;
    auto result = visit(readers.root, sink, members, files);
    if (!result)
      return std::unexpected(std::move(result.error()));
    if (auto read = read_files(files, file, super, config, readers, sink); !read)
      return std::unexpected(std::move(read.error()));
    return bytes_used;
  }

 private:
  struct FileJob {
    std::string path;
    const sqfs_inode_generic_t* inode = nullptr;
    std::uint64_t size = 0;
    std::uint32_t mode = 0;
  };
  // A file's bytes, or why they could not be read.
  using FileContent = std::expected<Bytes, std::string>;

  std::expected<void, std::string> visit(const sqfs_tree_node_t* node, Sink& sink, std::size_t& members,
                                         std::vector<FileJob>& files) const {
    for (; node; node = node->next) {
      if (++members > limits::max_archive_members)
        return std::unexpected(
            fmt::format("more than {} entries: the rest is not unpacked", limits::max_archive_members));
      char* raw_path = nullptr;
      if (int status = sqfs_tree_node_get_path(node, &raw_path); status != 0)
        return std::unexpected(fmt::format("directory tree: {}", sqfs_error_text(status)));
      const std::string path = displayable(raw_path);
      sqfs_free(raw_path);
      const sqfs_inode_generic_t& inode = *node->inode;
      const FileSystemEntry::Type type = type_of(inode);
      std::string target;
      std::uint64_t size = 0;
      if (type == FileSystemEntry::Type::symlink) {
        const auto length = std::min<std::size_t>(inode.data.slink.target_size, inode.payload_bytes_used);
        target.assign(reinterpret_cast<const char*>(inode.extra), length);
      }
      if (type == FileSystemEntry::Type::file)
        sqfs_inode_get_file_size(&inode, &size);
      sink.entry(type, path, target, inode.base.mode, size);
      if (type == FileSystemEntry::Type::symlink && link_leaves_root(path, target))
        sink.problem(path, fmt::format("symlink to {} points outside the file system: recorded, not followed",
                                       displayable(target)));
      if (type == FileSystemEntry::Type::file)
        files.push_back({path, &inode, size, inode.base.mode});
      if (type == FileSystemEntry::Type::directory) {
        if (auto children = visit(node->children, sink, members, files); !children)
          return children;
      }
    }
    return {};
  }

  // Decompresses [offset, offset + length) of one file into `out` with `data` (a data reader of the
  // calling thread); an error names the offset in the file where reading failed.
  static std::optional<std::string> decode(sqfs_data_reader_t* data, const FileJob& job, std::uint64_t offset,
                                           std::uint64_t length, std::uint8_t* out) {
    std::uint64_t done = 0;
    while (done < length) {
      const auto piece = static_cast<sqfs_u32>(std::min<std::uint64_t>(length - done, 1u << 24));
      const sqfs_s32 got = sqfs_data_reader_read(data, job.inode, offset + done, out + done, piece);
      if (got <= 0)
        return fmt::format("cannot read the file at offset {}: {}", offset + done,
                           got == 0 ? "it ends early" : sqfs_error_text(got));
      done += static_cast<std::uint64_t>(got);
    }
    return std::nullopt;
  }

  // One file on its way out: its content, filled piece by piece, possibly by several threads at once.
  struct Pending {
    Bytes content;
    std::size_t pieces_left = 0;
    std::optional<std::string>
        failure;  // where the file's first failing piece failed, or its size over the limit
    std::uint64_t failure_offset = 0;
    bool allocated = false;
  };
  // About 1 MiB (whole data blocks) a piece: large enough that taking one costs nothing, small enough that
  // two threads share a 9 MB binary.
  static constexpr std::uint64_t piece_target_bytes = 1u << 20;
  // A piece of a file: decompressed whole by one thread. Files are cut into pieces of whole data blocks
  // so that the threads share a large file too (a rootfs's time goes to its few biggest binaries).
  struct Piece {
    std::size_t file = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };

  // Reads every file and emits it, in tree order, from the calling thread. With more than one thread,
  // helpers decompress pieces ahead (each with its own compressor and data reader: libsquashfs's are not
  // thread-safe), at most a few files ahead of what was emitted; the calling thread decompresses pieces
  // too while it waits for the file it emits next.
  std::expected<void, std::string> read_files(const std::vector<FileJob>& files, sqfs_file_t* file,
                                              const sqfs_super_t& super,
                                              const sqfs_compressor_config_t& config, Readers& readers,
                                              Sink& sink) const {
    std::vector<Pending> pending(files.size());
    std::vector<Piece> pieces;
    const std::uint64_t piece_bytes =
        std::max<std::uint64_t>(super.block_size, piece_target_bytes / super.block_size * super.block_size);
    for (std::size_t index = 0; index < files.size(); ++index) {
      const FileJob& job = files[index];
      if (job.size > limits::max_inspected_file_bytes) {
        pending[index].failure = fmt::format("{} bytes, over the limit of {} for one file: not inspected",
                                             job.size, limits::max_inspected_file_bytes);
        continue;
      }
      for (std::uint64_t offset = 0; offset < job.size; offset += piece_bytes) {
        pieces.push_back({index, offset, std::min(piece_bytes, job.size - offset)});
        ++pending[index].pieces_left;
      }
    }
    const std::size_t helpers = pieces.size() < 4 ? 0 : std::min<unsigned>(sink.threads(), 4) - 1;
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0;     // the next piece to take
    std::size_t emitted = 0;  // files the calling thread has emitted
    bool stop = false;
    const std::size_t ahead = 4 * (helpers + 1);
    // Under the lock: the next piece if one may be taken now (within `ahead` files of what was emitted).
    auto take = [&](std::unique_lock<std::mutex>&) -> std::optional<Piece> {
      if (stop || next >= pieces.size() || pieces[next].file >= emitted + ahead)
        return std::nullopt;
      const Piece piece = pieces[next++];
      Pending& state = pending[piece.file];
      if (!state.allocated) {
        state.content.resize(static_cast<std::size_t>(files[piece.file].size));
        state.allocated = true;
      }
      return piece;
    };
    auto run = [&](sqfs_data_reader_t* data, const Piece& piece) {
      Pending& state = pending[piece.file];
      auto failure =
          decode(data, files[piece.file], piece.offset, piece.length, state.content.data() + piece.offset);
      std::lock_guard lock(mutex);
      if (failure && (!state.failure || piece.offset < state.failure_offset)) {
        state.failure = std::move(failure);
        state.failure_offset = piece.offset;
      }
      --state.pieces_left;
      changed.notify_all();
    };
    auto helper = [&] {
      Readers own;
      if (sqfs_compressor_create(&config, &own.compressor) != 0)
        return;
      own.compressor = with_fast_inflate(config, own.compressor);
      if ((super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) &&
          own.compressor->read_options(own.compressor, file) < 0)
        return;
      own.data = sqfs_data_reader_create(file, super.block_size, own.compressor, 0);
      if (!own.data || sqfs_data_reader_load_fragment_table(own.data, &super) != 0)
        return;
      for (;;) {
        std::optional<Piece> piece;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || next >= pieces.size() || (piece = take(lock)); });
          if (!piece)
            return;
        }
        run(own.data, *piece);
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t index = 0; index < helpers; ++index)
      threads.emplace_back(helper);
    std::expected<void, std::string> outcome;
    for (std::size_t index = 0; index < files.size(); ++index) {
      // Until this file is whole: decompress the next piece here if there is one (so the loop never
      // waits on helpers that gave up), else wait for the helpers' pieces of it.
      for (;;) {
        std::unique_lock lock(mutex);
        if (pending[index].pieces_left == 0)
          break;
        if (auto piece = take(lock)) {
          lock.unlock();
          run(readers.data, *piece);
        } else {
          changed.wait(lock);
        }
      }
      const FileJob& job = files[index];
      Pending& state = pending[index];
      if (state.failure) {
        sink.problem(job.path, std::move(*state.failure));
      } else if (!sink.take(job.size)) {
        outcome = std::unexpected(
            fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
        break;
      } else {
        sink.file(job.path, std::move(state.content), job.mode);
      }
      {
        std::lock_guard lock(mutex);
        state = Pending{};
        emitted = index + 1;
      }
      changed.notify_all();
    }
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    changed.notify_all();
    for (auto& thread : threads)
      thread.join();
    return outcome;
  }
};

}  // namespace

void add_squashfs_unpacker(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<Squashfs>());
}

}  // namespace en18031::scan::unpack
