#include "scan/walk.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scan_fixture.hpp"

namespace en18031::scan {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using testing::RecordingAnalysis;
namespace fs = std::filesystem;

const std::vector<Pattern>& rule_patterns() {
  static const std::vector<Pattern> patterns = {
      {.id = "md5-crypt", .expression = "\\$1\\$[./0-9A-Za-z]{1,8}\\$"},
      {.id = "busybox", .expression = "BusyBox v[0-9]"},
      {.id = "telnetd", .expression = "telnetd"},
  };
  return patterns;
}

const std::string tar_rootfs = "tar --format=gnu --owner=0 --group=0 -C rootfs -cf rootfs.tar etc bin";

class Walk : public testing::ScanFolder {
 protected:
  static std::string tar_rootfs_command() { return tar_rootfs; }

  WalkSummary walk_ok(const std::vector<std::string>& inputs, RecordingAnalysis& analysis,
                      unsigned jobs = 2) {
    auto summary = walk(inputs, analysis, WalkOptions{.jobs = jobs});
    EXPECT_TRUE(summary) << summary.error().describe();
    return summary.value_or(WalkSummary{});
  }

  // The four files of write_rootfs() as the analysis sees them under `prefix`.
  static std::vector<std::string> rootfs_files(const std::string& prefix) {
    return {prefix + " → /bin/busybox [file 47] busybox", prefix + " → /etc/init.d/rcS [file 29] telnetd",
            prefix + " → /etc/passwd [file 30]", prefix + " → /etc/shadow [file 59] md5-crypt"};
  }

  // rootfs/ as a squashfs inside a uImage between two MiB of random bytes: a raw flash dump.
  void build_flash_dump(const std::string& compressor) {
    write_rootfs("rootfs");
    shell("mksquashfs rootfs rootfs.sqfs -comp " + compressor + " -noappend -all-root -mkfs-time 0 -quiet");
    shell("mkimage -A arm -O linux -T filesystem -C none -n rootfs -d rootfs.sqfs rootfs.uimg");
    write("dump.bin", random_bytes(1 << 20, 1) + read("rootfs.uimg") + random_bytes(1 << 20, 2));
  }

  // fit.its for `mkimage -f`: one ramdisk image holding rootfs.tar.gz (write_rootfs() as a gzip tar).
  void write_fit_source_with_a_gzip_rootfs() {
    write_rootfs("rootfs");
    shell(tar_rootfs_command() + " && gzip -n rootfs.tar");
    write("fit.its", R"(/dts-v1/;
/ {
  description = "test";
  #address-cells = <1>;
  images {
    rootfs {
      data = /incbin/("./rootfs.tar.gz");
      type = "ramdisk"; arch = "arm"; os = "linux"; compression = "none";
    };
  };
  configurations { default = "conf"; conf { ramdisk = "rootfs"; }; };
};
)");
  }
};

TEST_F(Walk, RandomBytesYieldNothing) {
  write("random.bin", random_bytes(64 << 20, 7));
  RecordingAnalysis analysis(folder(), rule_patterns());
  const WalkSummary summary = walk_ok({path("random.bin")}, analysis);
  EXPECT_THAT(analysis.objects(), ElementsAre("random.bin [image 67108864]"));
  EXPECT_THAT(analysis.entries(), IsEmpty());
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_EQ(summary,
            (WalkSummary{
                .objects = 1, .unpacked = 0, .bytes_scanned = 64 << 20, .unpacked_bytes = 0, .problems = 0}));
}

TEST_F(Walk, AGzipOfRandomBytesIsOneObjectWithNothingInside) {
  write("blob", random_bytes(1 << 20, 3));
  shell("gzip -n blob");
  RecordingAnalysis analysis(folder(), rule_patterns());
  const WalkSummary summary = walk_ok({path("blob.gz")}, analysis);
  const auto size = std::to_string(fs::file_size(path("blob.gz")));
  EXPECT_THAT(analysis.objects(),
              ElementsAre("blob.gz [image " + size + "]", "blob.gz → gzip@0x0 [carved 1048576]"));
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_EQ(summary.unpacked, 1U);
  EXPECT_EQ(summary.unpacked_bytes, 1U << 20);
}

class FlashDump : public Walk, public ::testing::WithParamInterface<std::string> {};

TEST_P(FlashDump, FindsTheRootfsInsideTheUImageBetweenRandomBytes) {
  build_flash_dump(GetParam());
  RecordingAnalysis analysis(folder(), rule_patterns());
  const WalkSummary summary = walk_ok({path("dump.bin")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_EQ(analysis.files(), rootfs_files("dump.bin → uimage@0x100000 → squashfs@0x0"));
  const std::string inside = "dump.bin → uimage@0x100000 → squashfs@0x0 → ";
  EXPECT_THAT(analysis.entries(),
              ElementsAre("dir " + inside + "/", "dir " + inside + "/bin", "dir " + inside + "/etc",
                          "dir " + inside + "/etc/init.d", "file " + inside + "/bin/busybox",
                          "file " + inside + "/etc/init.d/rcS", "file " + inside + "/etc/passwd",
                          "file " + inside + "/etc/shadow", "symlink " + inside + "/bin/sh -> busybox"));
  EXPECT_EQ(summary.unpacked, 2U);  // the uImage and the squashfs
  EXPECT_EQ(summary.objects, 6U);   // the dump, the uImage's payload, four files
}

INSTANTIATE_TEST_SUITE_P(Compressors, FlashDump, ::testing::Values("gzip", "xz", "zstd", "lz4"));

// Debian builds libsquashfs without LZO (a licence question), so an LZO squashfs is inconclusive.
TEST_F(Walk, ASquashfsCompressedWithLzoIsAProblemNamingTheCompressor) {
  build_flash_dump("lzo");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("dump.bin")}, analysis);
  EXPECT_THAT(analysis.problems(),
              ElementsAre("dump.bin → uimage@0x100000 → squashfs@0x0: compressed with lzo, "
                          "which libsquashfs on this system cannot decompress: not unpacked"));
  EXPECT_THAT(analysis.files(), IsEmpty());
}

TEST_F(Walk, FindsTheFilesOfAnExt4FileSystemInsideAFlashDump) {
  write_rootfs("rootfs");
  shell("mkfs.ext4 -q -F -E root_owner=0:0 -d rootfs fs.img 8M");
  write("dump.bin", random_bytes(1 << 20, 4) + read("fs.img") + random_bytes(1 << 20, 5));
  RecordingAnalysis analysis(folder(), rule_patterns());
  const WalkSummary summary = walk_ok({path("dump.bin")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_EQ(analysis.files(), rootfs_files("dump.bin → ext@0x100000"));
  const std::string inside = "dump.bin → ext@0x100000 → ";
  EXPECT_THAT(analysis.entries(),
              ElementsAre("dir " + inside + "/", "dir " + inside + "/bin", "dir " + inside + "/etc",
                          "dir " + inside + "/etc/init.d", "dir " + inside + "/lost+found",
                          "file " + inside + "/bin/busybox", "file " + inside + "/etc/init.d/rcS",
                          "file " + inside + "/etc/passwd", "file " + inside + "/etc/shadow",
                          "symlink " + inside + "/bin/sh -> busybox"));
  EXPECT_EQ(summary.unpacked, 1U);
}

TEST_F(Walk, TheSameFilesWithOneThread) {
  build_flash_dump("xz");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("dump.bin")}, analysis, 1);
  EXPECT_EQ(analysis.files(), rootfs_files("dump.bin → uimage@0x100000 → squashfs@0x0"));
}

// An image of 36 MiB is matched on a thread of its own while the walking thread carves (blocks of 16 MiB
// or more, with two jobs): an ext4 file system whose magic number (1080 bytes in) lies past the first
// 8 MiB window while its start lies before it, and a uImage across the third window's edge, are carved
// where they start, once each, with the same objects, entries and problems as with one thread. A gzip
// stream in the file system's unused boot block, wholly inside the first window, must wait for the file
// system that starts before it (and covers it) to be carved first.
TEST_F(Walk, ALargeImageMatchedWhileCarvingGivesTheSameResultsAsOneThread) {
  write_rootfs("rootfs");
  shell("mkfs.ext4 -q -F -E root_owner=0:0 -d rootfs fs.img 8M");
  shell("printf 'in the boot block\\n' | gzip -n > boot.gz");
  std::string file_system = read("fs.img");
  const std::string boot_gzip = read("boot.gz");
  file_system.replace(100, boot_gzip.size(), boot_gzip);
  write("fs.img", file_system);
  shell("mksquashfs rootfs rootfs.sqfs -comp gzip -noappend -all-root -mkfs-time 0 -quiet");
  shell("mkimage -A arm -O linux -T filesystem -C none -n rootfs -d rootfs.sqfs rootfs.uimg");
  const std::size_t ext_at = (8 << 20) - 500;
  const std::size_t uimage_at = (24 << 20) - 1000;
  std::string image = random_bytes(ext_at, 21) + read("fs.img");
  image += random_bytes(uimage_at - image.size(), 22) + read("rootfs.uimg");
  image += random_bytes((36 << 20) - image.size(), 23);
  write("large.bin", image);
  RecordingAnalysis one(folder(), rule_patterns());
  RecordingAnalysis two(folder(), rule_patterns());
  const WalkSummary summary_one = walk_ok({path("large.bin")}, one, 1);
  const WalkSummary summary_two = walk_ok({path("large.bin")}, two, 2);
  std::vector<std::string> expected = rootfs_files("large.bin → ext@0x7ffe0c");
  const std::vector<std::string> in_uimage = rootfs_files("large.bin → uimage@0x17ffc18 → squashfs@0x0");
  expected.insert(expected.end(), in_uimage.begin(), in_uimage.end());
  EXPECT_EQ(two.files(), expected);
  EXPECT_THAT(two.problems(), IsEmpty());
  EXPECT_EQ(two.objects(), one.objects());
  EXPECT_EQ(two.entries(), one.entries());
  EXPECT_EQ(summary_two, summary_one);
  EXPECT_EQ(summary_two.unpacked, 3U);  // the ext4 file system, the uImage and its squashfs
}

// Enough files for the squashfs unpacker's helper threads to decompress ahead: the same files, in the
// same order of entries, with one thread and with three.
TEST_F(Walk, ASquashfsReadByHelperThreadsGivesTheSameFiles) {
  for (int index = 0; index < 40; ++index)
    write("many/file" + std::to_string(100 + index),
          random_bytes(20000 + 1000 * index, 100 + index) + "telnetd");
  shell("mksquashfs many many.sqfs -comp xz -noappend -all-root -mkfs-time 0 -quiet");
  RecordingAnalysis one(folder(), rule_patterns());
  RecordingAnalysis three(folder(), rule_patterns());
  walk_ok({path("many.sqfs")}, one, 1);
  walk_ok({path("many.sqfs")}, three, 3);
  EXPECT_EQ(one.files().size(), 40U);
  EXPECT_EQ(one.files()[0], "many.sqfs → squashfs@0x0 → /file100 [file 20007] telnetd");
  EXPECT_EQ(three.files(), one.files());
  EXPECT_EQ(three.entries(), one.entries());
  EXPECT_THAT(three.problems(), IsEmpty());
}

// A file of several pieces (the unpacker cuts files into pieces of about 1 MiB that threads decompress
// side by side): a pattern across the first piece boundary and one at the end are found, with one thread
// and with two, so the pieces are put back in their places. With gzip, libdeflate inflates the blocks.
class LargeFile : public Walk, public ::testing::WithParamInterface<std::string> {};

TEST_P(LargeFile, ALargeFileInASquashfsIsReassembledFromItsPieces) {
  std::string text;
  for (int line = 0; text.size() < 3 * 1024 * 1024; ++line)
    text += "line " + std::to_string(line) + " of a large file that compresses well\n";
  text.replace(1024 * 1024 - 3, 7, "telnetd");
  write("big/large", text + "telnetd");
  shell("mksquashfs big big.sqfs -comp " + GetParam() + " -noappend -all-root -mkfs-time 0 -quiet");
  RecordingAnalysis one(folder(), rule_patterns());
  RecordingAnalysis two(folder(), rule_patterns());
  walk_ok({path("big.sqfs")}, one, 1);
  walk_ok({path("big.sqfs")}, two, 2);
  EXPECT_THAT(one.files(), ElementsAre("big.sqfs → squashfs@0x0 → /large [file " +
                                       std::to_string(text.size() + 7) + "] telnetd telnetd"));
  EXPECT_EQ(two.files(), one.files());
  EXPECT_THAT(two.problems(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Compressors, LargeFile, ::testing::Values("xz", "gzip"));

// Files in whole blocks and in a shared fragment block of a gzip squashfs, each with a pattern at its
// start and end: every block (libdeflate) and the fragment give the files back byte for byte, and a file
// of 200,000 random bytes (stored uncompressed by mksquashfs) too.
TEST_F(Walk, AGzipSquashfsGivesEveryFileBackWhole) {
  std::string text;
  for (int line = 0; text.size() < 300000; ++line)
    text += "line " + std::to_string(line) + " of a file in whole blocks\n";
  write("fs/blocks", "telnetd" + text + "telnetd");
  write("fs/small", "telnetd in a fragment telnetd");
  write("fs/random", "telnetd" + random_bytes(200000, 11) + "telnetd");
  shell("mksquashfs fs fs.sqfs -comp gzip -noappend -all-root -mkfs-time 0 -quiet");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fs.sqfs")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_THAT(analysis.files(), ElementsAre("fs.sqfs → squashfs@0x0 → /blocks [file " +
                                                std::to_string(text.size() + 14) + "] telnetd telnetd",
                                            "fs.sqfs → squashfs@0x0 → /random [file 200014] telnetd telnetd",
                                            "fs.sqfs → squashfs@0x0 → /small [file 29] telnetd telnetd"));
}

// A corrupt gzip data block: libdeflate refuses it and libsquashfs's zlib path reports it, so the problem
// is the one the walk always gave, naming the file and where in it reading failed.
TEST_F(Walk, ACorruptGzipBlockInASquashfsIsAProblemOfItsFile) {
  std::string text;
  for (int line = 0; text.size() < 300000; ++line)
    text += "line " + std::to_string(line) + " of a file in whole blocks\n";
  write("fs/blocks", text);
  shell("mksquashfs fs fs.sqfs -comp gzip -noappend -all-root -mkfs-time 0 -quiet");
  // The first data block follows the 96-byte super block: break its deflate data past the zlib header.
  std::string image = read("fs.sqfs");
  for (std::size_t at = 96 + 40; at < 96 + 80; ++at)
    image[at] = static_cast<char>(image[at] ^ 0x5a);
  write("corrupt.sqfs", image);
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("corrupt.sqfs")}, analysis);
  EXPECT_THAT(analysis.problems(), ElementsAre("corrupt.sqfs → squashfs@0x0 → /blocks: cannot read the file "
                                               "at offset 0: a block does not decompress"));
  EXPECT_THAT(analysis.files(), IsEmpty());
}

struct ArchiveCase {
  std::string name;
  std::string command;  // builds `output` from rootfs/
  std::string output;
  std::string chain;  // of the files
};

class Archives : public Walk, public ::testing::WithParamInterface<ArchiveCase> {};

TEST_P(Archives, UnpacksEachFormatInMemory) {
  write_rootfs("rootfs");
  shell(GetParam().command);
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path(GetParam().output)}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_EQ(analysis.files(), rootfs_files(GetParam().chain));
}

INSTANTIATE_TEST_SUITE_P(
    Formats, Archives,
    ::testing::Values(ArchiveCase{"tar", tar_rootfs, "rootfs.tar", "rootfs.tar → tar@0x0"},
                      ArchiveCase{"tar_gz", tar_rootfs + " && gzip -n rootfs.tar", "rootfs.tar.gz",
                                  "rootfs.tar.gz → gzip@0x0 → tar@0x0"},
                      ArchiveCase{"tar_xz", tar_rootfs + " && xz rootfs.tar", "rootfs.tar.xz",
                                  "rootfs.tar.xz → xz@0x0 → tar@0x0"},
                      ArchiveCase{"tar_zst", tar_rootfs + " && zstd -q --rm rootfs.tar", "rootfs.tar.zst",
                                  "rootfs.tar.zst → zstd@0x0 → tar@0x0"},
                      ArchiveCase{"tar_bz2", tar_rootfs + " && bzip2 rootfs.tar", "rootfs.tar.bz2",
                                  "rootfs.tar.bz2 → bzip2@0x0 → tar@0x0"},
                      ArchiveCase{"tar_lz4", tar_rootfs + " && lz4 -q rootfs.tar rootfs.tar.lz4",
                                  "rootfs.tar.lz4", "rootfs.tar.lz4 → lz4@0x0 → tar@0x0"},
                      ArchiveCase{"cpio",
                                  "cd rootfs && find etc bin | sort | cpio -o -H newc > ../rootfs.cpio",
                                  "rootfs.cpio", "rootfs.cpio → cpio@0x0"},
                      ArchiveCase{"cpio_gz",
                                  "cd rootfs && find etc bin | sort | cpio -o -H newc | gzip -n > ../initrd",
                                  "initrd", "initrd → gzip@0x0 → cpio@0x0"},
                      ArchiveCase{"zip", "cd rootfs && zip -q -r ../rootfs.zip etc bin/busybox", "rootfs.zip",
                                  "rootfs.zip → zip@0x0"}),
    [](const auto& info) { return info.param.name; });

TEST_F(Walk, AnArArchiveHoldsItsMembersAsFiles) {
  write("control", "Package: demo\n");
  write("busybox", "BusyBox v1.36.1\n");
  shell("ar rcD demo.ipk control busybox");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("demo.ipk")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  // The banner is seen once, in the member: hits inside an object that was unpacked are left to it.
  const auto size = std::to_string(fs::file_size(path("demo.ipk")));
  EXPECT_THAT(analysis.objects(),
              ElementsAre("demo.ipk [image " + size + "]", "demo.ipk → ar@0x0 → /busybox [file 16] busybox",
                          "demo.ipk → ar@0x0 → /control [file 14]"));
}

TEST_F(Walk, IntelHexAndSRecordsBecomeTheirMemoryImage) {
  write("payload.bin", "BusyBox v1.36.1\n" + std::string(300, 'x'));
  shell(
      "objcopy -I binary -O ihex --change-addresses 0x8000000 payload.bin fw.hex && "
      "objcopy -I binary -O srec payload.bin fw.srec");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fw.hex"), path("fw.srec")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  const auto hex_size = std::to_string(fs::file_size(path("fw.hex")));
  const auto srec_size = std::to_string(fs::file_size(path("fw.srec")));
  EXPECT_THAT(analysis.objects(),
              ElementsAre("fw.hex [image " + hex_size + "]", "fw.hex → ihex@0x0 [carved 316] busybox",
                          "fw.srec [image " + srec_size + "]", "fw.srec → srec@0x0 [carved 316] busybox"));
}

TEST_F(Walk, AWrongChecksumInAnIntelHexFileIsAProblem) {
  write("fw.hex", ":0400000041424344F2\n:0400040045464748D9\n:00000001FF\n");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fw.hex")}, analysis);
  EXPECT_THAT(
      analysis.problems(),
      ElementsAre("fw.hex → ihex@0x0: line 2: the record checksum 0xd9 is wrong (the record's bytes sum to "
                  "0x22)"));
}

TEST_F(Walk, AFitImageHoldsItsImagesAsPayloads) {
  write_fit_source_with_a_gzip_rootfs();
  shell("mkimage -f fit.its fit.itb && mkimage -E -f fit.its fit-external.itb");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fit.itb"), path("fit-external.itb")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  std::vector<std::string> expected = rootfs_files("fit-external.itb → fit@0x0 → gzip@0x0 → tar@0x0");
  for (const auto& file : rootfs_files("fit.itb → fit@0x0 → gzip@0x0 → tar@0x0"))
    expected.push_back(file);
  EXPECT_EQ(analysis.files(), expected);
}

TEST_F(Walk, AFitTreeOlderThanVersion16IsNotTakenForAFitImage) {
  write_fit_source_with_a_gzip_rootfs();
  // Version 5 and last compatible version 2 at header offset 20: libfdt 1.6.1's fdt_check_full crashed
  // on the unnamed root of such a tree (found by fuzz_uimage_fit_hex).
  shell(
      "mkimage -f fit.its fit.itb && printf '\\000\\000\\000\\005\\000\\000\\000\\002' | "
      "dd of=fit.itb bs=1 seek=20 conv=notrunc status=none");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fit.itb")}, analysis);
  for (const auto& object : analysis.objects())
    EXPECT_THAT(object, Not(HasSubstr("fit@"))) << object;
  // The gzip inside is still carved out of the tree's bytes.
  EXPECT_THAT(analysis.files(), Contains(HasSubstr("gzip@")));
}

TEST_F(Walk, AnMcubootImageInAFlashDumpGivesItsPayload) {
  const std::string signed_image = [] {
    std::ifstream in(std::string(EN18031_SOURCE_DIR) + "/tests/data/mcuboot/signed-ecdsa-p256.bin",
                     std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  ASSERT_FALSE(signed_image.empty());
  write("dump.bin", random_bytes(1 << 16, 6) + signed_image + random_bytes(1 << 16, 7));
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("dump.bin")}, analysis);
  EXPECT_THAT(analysis.problems(), IsEmpty());
  EXPECT_THAT(analysis.objects(),
              ElementsAre("dump.bin [image " + std::to_string(2 * (1 << 16) + signed_image.size()) + "]",
                          "dump.bin → mcuboot@0x10000 [carved 49165]"));
}

TEST_F(Walk, AFolderIsWalkedFileByFile) {
  write("tree/a/passwd", "root:$1$abc$xyz:0:0\n");
  write("tree/b.txt", "nothing\n");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("tree")}, analysis);
  EXPECT_THAT(analysis.objects(), ElementsAre("tree/a/passwd [image 20] md5-crypt", "tree/b.txt [image 8]"));
}

TEST_F(Walk, AnInputThatCannotBeOpenedIsAnError) {
  RecordingAnalysis analysis(folder(), rule_patterns());
  const auto summary = walk(std::vector<std::string>{path("missing.bin")}, analysis);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().describe(), path("missing.bin") + ": cannot read (No such file or directory)");
}

TEST_F(Walk, APatternVectorscanRejectsIsAnError) {
  RecordingAnalysis analysis(folder(), {{.id = "bad-rule", .expression = "(("}});
  write("x", "x");
  const auto summary = walk(std::vector<std::string>{path("x")}, analysis);
  ASSERT_FALSE(summary);
  EXPECT_THAT(summary.error().describe(),
              ::testing::StartsWith("bad-rule: vectorscan rejects the expression \"((\""));
}

// ---- Hostile input -------------------------------------------------------------------------------------

TEST_F(Walk, PathTraversalAndAbsolutePathsInATarAreProblemsNotFiles) {
  shell(R"(python3 - <<'PY'
import io, tarfile
with tarfile.open("evil.tar", "w", format=tarfile.GNU_FORMAT) as tar:
    for name in ["../../etc/x", "/etc/abs", "ok/file"]:
        data = b"root:$1$abc$def:\n"
        info = tarfile.TarInfo(name); info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    link = tarfile.TarInfo("ok/link"); link.type = tarfile.SYMTYPE; link.linkname = "../../../etc/shadow"
    tar.addfile(link)
PY)");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("evil.tar")}, analysis);
  EXPECT_THAT(
      analysis.problems(),
      ElementsAre(
          "evil.tar → tar@0x0 → ../../etc/x: the path leaves the archive's root (..): not unpacked",
          "evil.tar → tar@0x0 → /etc/abs: absolute path in the archive: not unpacked",
          "evil.tar → tar@0x0 → /ok/link: symlink to ../../../etc/shadow points outside the archive's "
          "root: recorded, not followed"));
  EXPECT_THAT(analysis.files(), ElementsAre("evil.tar → tar@0x0 → /ok/file [file 17] md5-crypt"));
  EXPECT_THAT(analysis.entries(),
              ElementsAre("file evil.tar → tar@0x0 → /ok/file",
                          "symlink evil.tar → tar@0x0 → /ok/link -> ../../../etc/shadow"));
  EXPECT_FALSE(fs::exists(path("../etc/x")));
}

TEST_F(Walk, PathTraversalInAZipIsAProblem) {
  shell(R"(python3 - <<'PY'
import zipfile
with zipfile.ZipFile("evil.zip", "w") as z:
    z.writestr("../../evil.sh", "telnetd -l /bin/sh\n")
    z.writestr("/abs.sh", "telnetd\n")
    z.writestr("fine.sh", "telnetd\n")
PY)");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("evil.zip")}, analysis);
  EXPECT_THAT(
      analysis.problems(),
      ElementsAre("evil.zip → zip@0x0 → ../../evil.sh: the path leaves the archive's root (..): not unpacked",
                  "evil.zip → zip@0x0 → /abs.sh: absolute path in the archive: not unpacked"));
  EXPECT_THAT(analysis.files(), ElementsAre("evil.zip → zip@0x0 → /fine.sh [file 8] telnetd"));
}

// A squashfs whose directory /adir is the root directory itself (its directory entry patched to point at
// the root's inode): a loop that a naive walk would follow forever.
TEST_F(Walk, ASquashfsWithALoopingDirectoryIsAProblem) {
  write("root/adir/f", "hi\n");
  shell("mksquashfs root fs.sqfs -noI -noD -noF -noX -noappend -all-root -mkfs-time 0 -quiet");
  shell(R"(python3 - <<'PY'
import struct
b = bytearray(open("fs.sqfs", "rb").read())
root_inode = struct.unpack_from("<Q", b, 32)[0]
directory_table = struct.unpack_from("<Q", b, 72)[0]
entry = b.index(b"adir", directory_table) - 8
struct.pack_into("<H", b, entry, root_inode & 0xffff)
open("loop.sqfs", "wb").write(b)
PY)");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("loop.sqfs")}, analysis);
  EXPECT_THAT(analysis.problems(),
              ElementsAre("loop.sqfs → squashfs@0x0: directory tree: a directory loop (a "
                          "directory contains itself)"));
  EXPECT_THAT(analysis.files(), IsEmpty());
}

TEST_F(Walk, AGzipBombStopsAtTheExpansionLimit) {
  shell("head -c 64M /dev/zero | gzip -n -9 > bomb.gz");
  RecordingAnalysis analysis(folder(), rule_patterns());
  const WalkSummary summary = walk_ok({path("bomb.gz")}, analysis);
  ASSERT_EQ(analysis.problems().size(), 1U);
  EXPECT_THAT(
      analysis.problems()[0],
      MatchesRegex("bomb\\.gz → gzip@0x0: expands more than 100 times \\(17825792 bytes out of [0-9]+ bytes "
                   "of gzip\\): stopped, a decompression bomb or padding"));
  EXPECT_EQ(summary.unpacked_bytes, 17825792U);
}

TEST_F(Walk, AZipBombStopsAtTheExpansionLimit) {
  shell("head -c 64M /dev/zero > zeros && zip -q -9 bomb.zip zeros && rm zeros");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("bomb.zip")}, analysis);
  ASSERT_EQ(analysis.problems().size(), 1U);
  EXPECT_THAT(
      analysis.problems()[0],
      MatchesRegex("bomb\\.zip → zip@0x0 → /zeros: expands more than 100 times \\([0-9]+ bytes out of [0-9]+ "
                   "bytes of zip\\): stopped, a decompression bomb or padding"));
  EXPECT_THAT(analysis.files(), IsEmpty());
}

TEST_F(Walk, TruncationAtEachLayerIsAProblemAndTheScanGoesOn) {
  build_flash_dump("gzip");
  const std::string dump = read("dump.bin");
  const std::size_t image = 1 << 20;
  const std::string squashfs = read("rootfs.sqfs");
  std::uint64_t bytes_used = 0;  // the super block's length of the file system, before its padding
  for (int byte = 7; byte >= 0; --byte)
    bytes_used = bytes_used << 8 | static_cast<std::uint8_t>(squashfs[40 + byte]);
  const std::size_t squashfs_size = squashfs.size();
  // Inside the squashfs (its tables are at the end), then inside the uImage's header.
  write("cut-squashfs.bin", dump.substr(0, image + 64 + bytes_used - 100));
  write("cut-header.bin", dump.substr(0, image + 40));
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("cut-squashfs.bin"), path("cut-header.bin")}, analysis);
  EXPECT_THAT(
      analysis.problems(),
      ElementsAre(
          "cut-squashfs.bin → uimage@0x100000 → squashfs@0x0: truncated: the super block says " +
              std::to_string(bytes_used) + " bytes, " + std::to_string(bytes_used - 100) + " are present",
          "cut-squashfs.bin → uimage@0x100000: truncated: the header says " + std::to_string(squashfs_size) +
              " bytes of data, " + std::to_string(bytes_used - 100) + " are present"));
  EXPECT_THAT(analysis.files(), IsEmpty());
}

TEST_F(Walk, ATruncatedGzipIsAProblemWithItsBeginningStillScanned) {
  write("text", std::string(100000, 'a') + "telnetd" + random_bytes(200000, 9));
  shell("gzip -n text && head -c 150000 text.gz > cut.gz");
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("cut.gz")}, analysis);
  EXPECT_THAT(
      analysis.problems(),
      ElementsAre(
          "cut.gz → gzip@0x0: truncated: the gzip stream ends after 150000 bytes without its end marker"));
}

TEST_F(Walk, AUImageWithAWrongDataCrcIsAProblem) {
  write("payload", "BusyBox v1.36\n");
  shell("mkimage -A arm -O linux -T firmware -C none -n fw -d payload fw.uimg");
  std::string image = read("fw.uimg");
  image[64] = 'b';  // the data changes, its CRC in the header does not
  write("fw.uimg", image);
  RecordingAnalysis analysis(folder(), rule_patterns());
  walk_ok({path("fw.uimg")}, analysis);
  ASSERT_EQ(analysis.problems().size(), 1U);
  EXPECT_THAT(
      analysis.problems()[0],
      MatchesRegex("fw\\.uimg → uimage@0x0: the data CRC is 0x[0-9a-f]{8}, the header says 0x[0-9a-f]{8}: "
                   "corrupt or altered"));
}

}  // namespace
}  // namespace en18031::scan
