// Compressed streams: gzip (zlib), xz (liblzma), zstd, bzip2, LZ4 frames. Each is decompressed into
// memory chunk by chunk under the scan's limits; its content becomes a payload the walk carves further.
#include <bzlib.h>
#include <fmt/format.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader: exported by the shared library too
#include <functional>

#include <zstd.h>

#include "limits.hpp"
#include "scan/unpack/streams.hpp"

namespace en18031::scan::unpack {

namespace {

constexpr std::size_t chunk_bytes = 1024 * 1024;

struct Step {
  std::size_t consumed = 0;
  std::size_t produced = 0;
  enum class State { more, end, error } state = State::more;
  std::string error;
};
using StepFunction = std::function<Step(const std::uint8_t* in, std::size_t in_length, std::uint8_t* out,
                                        std::size_t out_length)>;

// Runs a decompressor over `bytes` until its stream ends, a limit is reached or the data is corrupt. What
// was produced is emitted as a payload in every case, so a truncated stream's beginning is still scanned.
std::expected<std::uint64_t, std::string> run_stream(std::string_view format,
                                                     std::span<const std::uint8_t> bytes, Sink& sink,
                                                     const StepFunction& step) {
  Bytes out;
  std::size_t in_position = 0;
  auto fail = [&](std::string reason) -> std::expected<std::uint64_t, std::string> {
    if (!out.empty())
      sink.payload(std::move(out));
    return std::unexpected(std::move(reason));
  };
  for (;;) {
    const std::size_t before = out.size();
    if (before + chunk_bytes > limits::max_inspected_file_bytes + chunk_bytes)
      return fail(fmt::format("decompresses to more than {} bytes, the limit for one object",
                              limits::max_inspected_file_bytes));
    out.resize(before + chunk_bytes);
    const Step step_result =
        step(bytes.data() + in_position, bytes.size() - in_position, out.data() + before, chunk_bytes);
    in_position += step_result.consumed;
    out.resize(before + step_result.produced);
    if (!sink.take(step_result.produced))
      return fail(fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
    if (auto problem = expansion_problem(format, in_position, out.size()))
      return fail(*problem);
    if (step_result.state == Step::State::end) {
      sink.payload(std::move(out));
      return in_position;
    }
    if (step_result.state == Step::State::error)
      return fail(
          fmt::format("corrupt {} data near input offset {:#x}: {}", format, in_position, step_result.error));
    if (step_result.consumed == 0 && step_result.produced == 0) {
      if (in_position >= bytes.size()) {
        sink.extent(bytes.size());
        return fail(fmt::format("truncated: the {} stream ends after {} bytes without its end marker", format,
                                bytes.size()));
      }
      return fail(fmt::format("corrupt {} data near input offset {:#x}: the decoder makes no progress",
                              format, in_position));
    }
  }
}

template <typename T>
unsigned int clamp_uint(T value) {
  return static_cast<unsigned int>(std::min<std::size_t>(value, 1u << 30));
}

class Gzip final : public Unpacker {
 public:
  std::string_view format() const override { return "gzip"; }
  std::vector<Signature> signatures() const override { return {{"\\x1f\\x8b\\x08", 3, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    // RFC 1952: deflate, no reserved flag bits, extra flags 0/2/4, a known operating system.
    return bytes.size() >= 18 && bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 8 &&
           (bytes[3] & 0xe0) == 0 && (bytes[8] == 0 || bytes[8] == 2 || bytes[8] == 4) &&
           (bytes[9] <= 13 || bytes[9] == 255);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
      return std::unexpected("zlib cannot start");
    auto result = run_stream(
        format(), bytes, sink,
        [&](const std::uint8_t* in, std::size_t in_length, std::uint8_t* out, std::size_t out_length) {
          stream.next_in = const_cast<Bytef*>(in);
          stream.avail_in = clamp_uint(in_length);
          stream.next_out = out;
          stream.avail_out = clamp_uint(out_length);
          const unsigned int in_before = stream.avail_in;
          const int status = inflate(&stream, Z_NO_FLUSH);
          Step step{.consumed = in_before - stream.avail_in, .produced = out_length - stream.avail_out};
          if (status == Z_STREAM_END)
            step.state = Step::State::end;
          else if (status != Z_OK && status != Z_BUF_ERROR)
            step = {step.consumed, step.produced, Step::State::error,
                    stream.msg ? stream.msg : "inflate failed"};
          return step;
        });
    inflateEnd(&stream);
    return result;
  }
};

class Xz final : public Unpacker {
 public:
  std::string_view format() const override { return "xz"; }
  std::vector<Signature> signatures() const override { return {{"\\xfd7zXZ\\x00", 6, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    // Stream header: magic, two flag bytes (first zero, check type 0..15) and their CRC32.
    static constexpr std::uint8_t magic[] = {0xfd, '7', 'z', 'X', 'Z', 0};
    if (bytes.size() < 12 || !std::equal(std::begin(magic), std::end(magic), bytes.begin()) ||
        bytes[6] != 0 || bytes[7] > 0x0f)
      return false;
    return crc32(0, bytes.data() + 6, 2) == read_le32(bytes, 8);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    lzma_stream stream = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&stream, 256 * 1024 * 1024, 0) != LZMA_OK)
      return std::unexpected("liblzma cannot start");
    auto result = run_stream(
        format(), bytes, sink,
        [&](const std::uint8_t* in, std::size_t in_length, std::uint8_t* out, std::size_t out_length) {
          stream.next_in = in;
          stream.avail_in = in_length;
          stream.next_out = out;
          stream.avail_out = out_length;
          const lzma_ret status = lzma_code(&stream, in_length == 0 ? LZMA_FINISH : LZMA_RUN);
          Step step{.consumed = in_length - stream.avail_in, .produced = out_length - stream.avail_out};
          if (status == LZMA_STREAM_END)
            step.state = Step::State::end;
          else if (status == LZMA_BUF_ERROR && step.consumed == 0 && step.produced == 0)
            step.state = Step::State::more;
          else if (status != LZMA_OK)
            step = {step.consumed, step.produced, Step::State::error,
                    status == LZMA_DATA_ERROR ? "the data is corrupt"
                    : status == LZMA_MEMLIMIT_ERROR
                        ? "it needs more than 256 MiB of memory to decode"
                        : fmt::format("liblzma error {}", static_cast<int>(status))};
          return step;
        });
    lzma_end(&stream);
    return result;
  }
};

class Zstd final : public Unpacker {
 public:
  std::string_view format() const override { return "zstd"; }
  std::vector<Signature> signatures() const override { return {{"\\x28\\xb5\\x2f\\xfd", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 18)
      return false;
    ZSTD_frameHeader header{};
    if (ZSTD_getFrameHeader(&header, bytes.data(), std::min<std::size_t>(bytes.size(), 18)) != 0 ||
        header.frameType != ZSTD_frame || header.windowSize > (std::uint64_t{1} << 27) ||
        header.headerSize + 3 > bytes.size())
      return false;
    // The first block header: not the reserved type, no larger than a block may be.
    const std::size_t at = header.headerSize;
    const std::uint32_t block = bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16;
    const std::uint32_t type = (block >> 1) & 3;
    const std::uint32_t size = block >> 3;
    return type != 3 && size <= 128 * 1024 && (type == 1 || size <= header.windowSize);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    ZSTD_DStream* stream = ZSTD_createDStream();
    if (!stream)
      return std::unexpected("libzstd cannot start");
    ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27);
    auto result = run_stream(
        format(), bytes, sink,
        [&](const std::uint8_t* in, std::size_t in_length, std::uint8_t* out, std::size_t out_length) {
          ZSTD_inBuffer input{in, in_length, 0};
          ZSTD_outBuffer output{out, out_length, 0};
          const std::size_t status = ZSTD_decompressStream(stream, &output, &input);
          Step step{.consumed = input.pos, .produced = output.pos};
          if (ZSTD_isError(status))
            step = {step.consumed, step.produced, Step::State::error, ZSTD_getErrorName(status)};
          else if (status == 0)
            step.state = Step::State::end;
          return step;
        });
    ZSTD_freeDStream(stream);
    return result;
  }
};

class Bzip2 final : public Unpacker {
 public:
  std::string_view format() const override { return "bzip2"; }
  std::vector<Signature> signatures() const override {
    return {{"BZh[1-9]\\x31\\x41\\x59\\x26\\x53\\x59", 10, 0}};
  }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    static constexpr std::uint8_t block_magic[] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
    return bytes.size() >= 14 && bytes[0] == 'B' && bytes[1] == 'Z' && bytes[2] == 'h' && bytes[3] >= '1' &&
           bytes[3] <= '9' && std::equal(std::begin(block_magic), std::end(block_magic), bytes.begin() + 4);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    bz_stream stream{};
    if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK)
      return std::unexpected("libbz2 cannot start");
    auto result = run_stream(
        format(), bytes, sink,
        [&](const std::uint8_t* in, std::size_t in_length, std::uint8_t* out, std::size_t out_length) {
          stream.next_in = reinterpret_cast<char*>(const_cast<std::uint8_t*>(in));
          stream.avail_in = clamp_uint(in_length);
          stream.next_out = reinterpret_cast<char*>(out);
          stream.avail_out = clamp_uint(out_length);
          const unsigned int in_before = stream.avail_in;
          const int status = BZ2_bzDecompress(&stream);
          Step step{.consumed = in_before - stream.avail_in, .produced = out_length - stream.avail_out};
          if (status == BZ_STREAM_END)
            step.state = Step::State::end;
          else if (status != BZ_OK)
            step = {step.consumed, step.produced, Step::State::error,
                    status == BZ_DATA_ERROR ? "the data fails its CRC or is corrupt"
                                            : fmt::format("libbz2 error {}", status)};
          return step;
        });
    BZ2_bzDecompressEnd(&stream);
    return result;
  }
};

class Lz4 final : public Unpacker {
 public:
  std::string_view format() const override { return "lz4"; }
  std::vector<Signature> signatures() const override { return {{"\\x04\\x22\\x4d\\x18", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 7 || read_le32(bytes, 0) != 0x184d2204)
      return false;
    // FLG: version 01, reserved bit 0; BD: block size 4..7, reserved bits 0. The header checksum is
    // checked by the decoder's frame info below.
    if ((bytes[4] >> 6) != 1 || (bytes[4] & 0x02) || (bytes[5] & 0x8f) || ((bytes[5] >> 4) & 7) < 4)
      return false;
    LZ4F_dctx* context = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION)))
      return false;
    LZ4F_frameInfo_t info{};
    std::size_t length = std::min<std::size_t>(bytes.size(), 19);
    const std::size_t status = LZ4F_getFrameInfo(context, &info, bytes.data(), &length);
    LZ4F_freeDecompressionContext(context);
    return !LZ4F_isError(status);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    LZ4F_dctx* context = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION)))
      return std::unexpected("liblz4 cannot start");
    auto result = run_stream(
        format(), bytes, sink,
        [&](const std::uint8_t* in, std::size_t in_length, std::uint8_t* out, std::size_t out_length) {
          std::size_t produced = out_length;
          std::size_t consumed = in_length;
          const std::size_t status = LZ4F_decompress(context, out, &produced, in, &consumed, nullptr);
          Step step{.consumed = consumed, .produced = produced};
          if (LZ4F_isError(status))
            step = {consumed, produced, Step::State::error, LZ4F_getErrorName(status)};
          else if (status == 0)
            step.state = Step::State::end;
          return step;
        });
    LZ4F_freeDecompressionContext(context);
    return result;
  }
};

}  // namespace

void add_stream_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<Gzip>());
  unpackers.push_back(std::make_unique<Xz>());
  unpackers.push_back(std::make_unique<Zstd>());
  unpackers.push_back(std::make_unique<Bzip2>());
  unpackers.push_back(std::make_unique<Lz4>());
}

}  // namespace en18031::scan::unpack
