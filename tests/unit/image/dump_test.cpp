// Our dump against imgtool's own (imgtool-dumpinfo.txt): identical text for every image it printed in
// full; for the blocks imgtool's file cuts short, its text is the start of ours.
#include "image/dump.hpp"

#include <gtest/gtest.h>

#include "image_test_support.hpp"

namespace en18031::image {
namespace {

TEST(Dump, AgreesWithImgtoolDumpinfo) {
  const std::string all = test::read_text("imgtool-dumpinfo.txt");
  std::size_t compared = 0, complete = 0;
  for (std::size_t at = all.find("== "); at != std::string::npos;) {
    const std::size_t name_end = all.find('\n', at);
    const std::string name = all.substr(at + 3, name_end - at - 3);
    const std::size_t next = all.find("\n== ", name_end);
    const std::string expected =
        all.substr(name_end + 1, next == std::string::npos ? std::string::npos : next + 1 - name_end - 1);
    const auto bytes = test::read_vector(name);
    auto image = parse_image(bytes, name);
    ASSERT_TRUE(image) << image.error().describe();
    const std::string ours = dump_image(*image, name);
    if (expected.ends_with("#### End of Image  #########################################\n")) {
      EXPECT_EQ(ours, expected) << name;
      ++complete;
    } else {
      EXPECT_EQ(ours.substr(0, expected.size()), expected) << name;
    }
    ++compared;
    at = next == std::string::npos ? next : next + 1;
  }
  EXPECT_EQ(compared, 9u);
  EXPECT_EQ(complete, 7u);
}

TEST(Dump, ShowsTheRamLoadFlagAndLoadAddress) {
  const auto bytes = test::read_vector("signed-ed25519-ramload.bin");
  const std::string ours = dump_image(*parse_image(bytes, "ram"), "ram");
  EXPECT_NE(ours.find("load_addr:          0x20008000\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("flags:              RAM_LOAD (0x20)\n"), std::string::npos) << ours;
}

TEST(Dump, ShowsTheTrailerFields) {
  const auto bytes = test::read_vector("signed-ecdsa-p256-slot.bin");
  const std::string ours = dump_image(*parse_image(bytes, "slot"), "slot");
  EXPECT_NE(ours.find("image_ok:    0x1\nboot magic:  OK\n"), std::string::npos) << ours;
}

}  // namespace
}  // namespace en18031::image
