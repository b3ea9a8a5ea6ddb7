// The unpackers of each family, added to the list all_unpackers() returns (src/scan/unpack/registry.cpp).
#pragma once

#include <memory>
#include <vector>

#include "scan/unpack/unpacker.hpp"

namespace en18031::scan::unpack {

// gzip, xz, zstd, bzip2, LZ4 frames (streams.cpp).
void add_stream_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers);
// tar, cpio, zip, ar through libarchive (archives.cpp).
void add_archive_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers);
// SquashFS 4 through libsquashfs (squashfs.cpp).
void add_squashfs_unpacker(std::vector<std::unique_ptr<Unpacker>>& unpackers);
// ext2/3/4 through libext2fs (ext.cpp).
void add_ext_unpacker(std::vector<std::unique_ptr<Unpacker>>& unpackers);
// U-Boot legacy uImage and FIT, MCUboot, Intel HEX, S-records (firmware.cpp).
void add_firmware_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers);

}  // namespace en18031::scan::unpack
