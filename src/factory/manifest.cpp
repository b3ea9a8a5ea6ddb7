#include "factory/manifest.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "crypto/openssl.hpp"
#include "limits.hpp"

namespace en18031::factory {

std::string_view StringArena::keep(std::string_view text) {
  if (text.empty())
    return {};
  if (chunks_.empty() || used_ + text.size() > kChunkBytes || text.size() > kChunkBytes) {
    chunks_.push_back(std::make_unique<char[]>(std::max(kChunkBytes, text.size())));
    used_ = 0;
  }
  char* place = chunks_.back().get() + used_;
  std::memcpy(place, text.data(), text.size());
  used_ += text.size();
  return {place, text.size()};
}

void StringArena::absorb(StringArena&& other) {
  for (auto& chunk : other.chunks_)
    chunks_.push_back(std::move(chunk));
  other.chunks_.clear();
  used_ = kChunkBytes;  // the last chunk is now someone else's partly used one: start a new chunk next time
}

namespace {

enum class Column {
  serial,
  public_key,
  public_key_sha256,
  psk_identity,
  psk_hash,
  password_hash,
  entropy,
  ignored
};

constexpr std::size_t kColumnKinds = 7;  // all but `ignored`

struct Layout {
  std::vector<Column> columns;
  std::array<int, kColumnKinds> index{};  // field index of each kind, -1 when absent

  Layout() { index.fill(-1); }
  bool has(Column column) const { return index[static_cast<std::size_t>(column)] >= 0; }
};

// ---- Small decoders, all bounds-checked -------------------------------------------------------------

constexpr std::array<std::int8_t, 256> make_hex_table() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int c = 0; c < 10; ++c)
    table['0' + c] = static_cast<std::int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    table['a' + c] = static_cast<std::int8_t>(10 + c);
    table['A' + c] = static_cast<std::int8_t>(10 + c);
  }
  return table;
}
constexpr auto kHex = make_hex_table();

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kBase64 = make_base64_table();

// Index of the first byte that is not a hex digit, or npos; the caller has checked the length.
std::size_t decode_hex_digest(std::string_view text, Digest& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = kHex[static_cast<unsigned char>(text[2 * i])];
    const int low = kHex[static_cast<unsigned char>(text[2 * i + 1])];
    if ((high | low) < 0)
      return high < 0 ? 2 * i : 2 * i + 1;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return std::string_view::npos;
}

// Standard base64 with '=' padding into `out`; the decoded length, or nullopt when malformed or too long.
std::optional<std::size_t> decode_base64(std::string_view text, std::span<std::uint8_t> out) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=')
    padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t length = text.size() / 4 * 3 - padding;
  if (length > out.size())
    return std::nullopt;
  std::size_t written = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int value = kBase64[static_cast<unsigned char>(c)];
      if (value < 0) {
        if (!(c == '=' && last && j >= 4 - padding))
          return std::nullopt;
        value = 0;
      }
      group = group << 6 | static_cast<std::uint32_t>(value);
    }
    const std::uint8_t bytes[3] = {static_cast<std::uint8_t>(group >> 16),
                                   static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)};
    for (std::size_t j = 0; j < 3 && written < length; ++j)
      out[written++] = bytes[j];
  }
  return length;
}

// Where the DER element with `tag` at `at` has its content and where it ends, or nullopt when the tag
// differs or its length runs past `end`. Lengths of up to four bytes; indefinite lengths are not DER.
struct DerElement {
  std::size_t content = 0;
  std::size_t end = 0;
};
std::optional<DerElement> der_element(std::span<const std::uint8_t> der, std::size_t at, std::size_t end,
                                      std::uint8_t tag) {
  if (at + 2 > end || der[at] != tag)
    return std::nullopt;
  std::size_t length = der[at + 1];
  std::size_t content = at + 2;
  if (length & 0x80) {
    const std::size_t count = length & 0x7f;
    if (count == 0 || count > 4 || content + count > end)
      return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i)
      length = length << 8 | der[content + i];
    content += count;
  }
  if (length > end - content)
    return std::nullopt;
  return DerElement{content, content + length};
}

// SHA-256 with one fetched implementation and one context per thread: the per-call cost of EVP_Digest's
// implicit fetch would be most of the time for a 91-byte key.
class ThreadSha256 {
 public:
  static Digest digest(std::span<const std::uint8_t> data) {
    thread_local ThreadSha256 instance;
    Digest out{};
    unsigned int size = 0;
    if (!instance.md_ || !instance.ctx_ ||
        EVP_DigestInit_ex2(instance.ctx_.get(), instance.md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(instance.ctx_.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(instance.ctx_.get(), out.data(), &size) != 1 || size != out.size())
      crypto::openssl_failure("SHA-256");
    return out;
  }

 private:
  crypto::MdPtr md_{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  crypto::MdCtxPtr ctx_{EVP_MD_CTX_new()};
};

bool visible_ascii(char c) {
  return c > 0x20 && c < 0x7f;
}

// ---- The parser ---------------------------------------------------------------------------------------

struct Problem {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
};

struct Field {
  std::string_view value;
  std::size_t offset = 0;  // of the value's first byte in the block (inside the quotes when quoted)
};

// Parses records from `pos` on. One instance per thread; rows are numbered from 0 within the instance.
class RecordParser {
 public:
  RecordParser(std::string_view block, const Layout* layout, std::size_t first_line)
      : block_(block), layout_(layout), line_(first_line) {}

  std::size_t pos() const { return pos_; }
  std::size_t line() const { return line_; }
  bool stopped() const { return stopped_; }
  std::vector<Problem>& problems() { return problems_; }
  FleetTable& table() { return table_; }

  // Reads records starting at `begin` until a record starts at or after `stop` (or the block ends).
  // Reserves room for `devices` rows in every column the layout has, so that ten million rows are not
  // copied again and again as the vectors grow (and the second half's rows fit after the first's).
  void reserve(std::size_t devices) {
    devices = std::min(devices, limits::max_fleet_devices);
    table_.serials.reserve(devices);
    const auto column = [&](Column kind, auto& values) {
      if (layout_->has(kind)) {
        values.rows.reserve(devices);
        values.values.reserve(devices);
      }
    };
    column(layout_->has(Column::public_key) ? Column::public_key : Column::public_key_sha256,
           table_.key_fingerprints);
    column(Column::psk_identity, table_.psk_identities);
    column(Column::psk_hash, table_.psk_tags);
    column(Column::password_hash, table_.password_tags);
    column(Column::entropy, table_.password_entropy_bits);
  }

  void parse_records(std::size_t begin, std::size_t stop) {
    pos_ = begin;
    while (!stopped_ && pos_ < block_.size() && pos_ < stop) {
      const std::size_t record_start = pos_;
      const std::size_t record_line = line_;
      if (!read_record())
        continue;
      if (pos_ - record_start > limits::max_manifest_line_bytes + 2) {
        report_at(record_start, record_start, record_line,
                  fmt::format("the line is {} bytes long; the limit is {}", pos_ - record_start,
                              limits::max_manifest_line_bytes));
        continue;
      }
      store_record(record_start, record_line);
    }
  }

  // Reads the header line at `begin`; the fields are the column names.
  std::optional<std::vector<Field>> header(std::size_t begin) {
    pos_ = begin;
    const std::size_t record_start = pos_;
    const std::size_t record_line = line_;
    if (!read_record())
      return std::nullopt;
    if (pos_ - record_start > limits::max_manifest_line_bytes + 2) {
      report_at(record_start, record_start, record_line,
                fmt::format("the header line is {} bytes long; the limit is {}", pos_ - record_start,
                            limits::max_manifest_line_bytes));
      return std::nullopt;
    }
    return fields_;
  }

  void set_layout(const Layout* layout) { layout_ = layout; }

  // Where `offset` is: line and column (1-based, in bytes), counting the line feeds of a record that spans
  // lines (a quoted field with a line break).
  std::pair<std::size_t, std::size_t> locate(std::size_t record_start, std::size_t record_line,
                                             std::size_t offset) const {
    offset = std::min(offset, block_.size());
    const std::string_view before = block_.substr(record_start, offset - record_start);
    const std::size_t line = record_line + static_cast<std::size_t>(std::ranges::count(before, '\n'));
    const std::size_t last_break = block_.substr(0, offset).rfind('\n');
    const std::size_t line_start = last_break == std::string_view::npos ? 0 : last_break + 1;
    return {line, offset - line_start + 1};
  }

  void report_at(std::size_t record_start, std::size_t offset, std::size_t record_line, std::string message) {
    if (problems_.size() >= limits::max_manifest_problems) {
      stopped_ = true;
      return;
    }
    const auto [line, column] = locate(record_start, record_line, offset);
    problems_.push_back({line, column, std::move(message)});
  }

 private:
  // Splits one record into fields_ and moves pos_ past its line end. False when the record was malformed
  // (reported, and skipped to the next line).
  bool read_record() {
    fields_.clear();
    const std::size_t record_start = pos_;
    const std::size_t record_line = line_;
    const std::size_t size = block_.size();
    const std::size_t expected = layout_ ? layout_->columns.size() : 0;
    while (true) {
      Field field;
      if (pos_ < size && block_[pos_] == '"') {
        const std::size_t open = pos_;
        field.offset = ++pos_;
        bool escaped = false;
        while (true) {
          if (pos_ >= size) {
            report_at(record_start, open, record_line, "the quoted field is not closed");
            stopped_ = true;  // the rest of the block is inside the quotes: nothing more to read
            return false;
          }
          const char c = block_[pos_];
          if (c == '"') {
            if (pos_ + 1 < size && block_[pos_ + 1] == '"') {
              escaped = true;
              pos_ += 2;
              continue;
            }
            break;
          }
          if (c == '\n')
            ++line_;
          ++pos_;
        }
        const std::string_view raw = block_.substr(field.offset, pos_ - field.offset);
        ++pos_;  // the closing quote
        if (raw.size() > limits::max_manifest_line_bytes) {
          report_at(record_start, open, record_line,
                    fmt::format("the quoted field is {} bytes long; the limit is {}", raw.size(),
                                limits::max_manifest_line_bytes));
          skip_line();
          return false;
        }
        if (escaped) {
          std::string unescaped;
          unescaped.reserve(raw.size());
          for (std::size_t i = 0; i < raw.size(); ++i) {
            unescaped += raw[i];
            if (raw[i] == '"')
              ++i;  // the second quote of a doubled pair
          }
          field.value = table_.arena.keep(unescaped);
        } else {
          field.value = raw;
        }
        if (pos_ < size && block_[pos_] != ',' && block_[pos_] != '\n' &&
            !(block_[pos_] == '\r' && pos_ + 1 < size && block_[pos_ + 1] == '\n')) {
          report_at(record_start, pos_, record_line, "a closing quote must end the field");
          skip_line();
          return false;
        }
      } else {
        field.offset = pos_;
        while (pos_ < size) {
          const char c = block_[pos_];
          if (c == ',' || c == '\n' || c == '\r' || c == '"')
            break;
          ++pos_;
        }
        if (pos_ < size && block_[pos_] == '"') {
          report_at(record_start, pos_, record_line,
                    "a quote inside an unquoted field (quote the whole field)");
          skip_line();
          return false;
        }
        if (pos_ < size && block_[pos_] == '\r' && !(pos_ + 1 < size && block_[pos_ + 1] == '\n')) {
          report_at(record_start, pos_, record_line, "a carriage return that does not end the line");
          skip_line();
          return false;
        }
        field.value = block_.substr(field.offset, pos_ - field.offset);
      }
      fields_.push_back(field);
      if (layout_ && fields_.size() > expected) {
        report_at(record_start, field.offset, record_line,
                  fmt::format("more than {} fields; the header has {}", expected, expected));
        skip_line();
        return false;
      }
      if (pos_ >= size)
        break;
      if (block_[pos_] == ',') {
        ++pos_;
        if (pos_ - record_start > limits::max_manifest_line_bytes + 2) {
          report_at(record_start, record_start, record_line,
                    fmt::format("the line is longer than {} bytes", limits::max_manifest_line_bytes));
          skip_line();
          return false;
        }
        continue;
      }
      pos_ += block_[pos_] == '\r' ? 2 : 1;  // CRLF or LF
      ++line_;
      break;
    }
    return true;
  }

  void skip_line() {
    const std::size_t next = block_.find('\n', pos_);
    pos_ = next == std::string_view::npos ? block_.size() : next + 1;
    if (next != std::string_view::npos)
      ++line_;
  }

  void field_problem(std::size_t record_start, std::size_t record_line, const Field& field, std::size_t at,
                     std::string message) {
    report_at(record_start, field.offset + at, record_line, std::move(message));
  }

  bool check_name(std::size_t record_start, std::size_t record_line, const Field& field,
                  std::string_view column) {
    if (field.value.size() > limits::max_manifest_name_bytes) {
      field_problem(record_start, record_line, field, 0,
                    fmt::format("{} is {} bytes long; the limit is {}", column, field.value.size(),
                                limits::max_manifest_name_bytes));
      return false;
    }
    const auto bad = std::ranges::find_if_not(field.value, visible_ascii);
    if (bad != field.value.end()) {
      field_problem(record_start, record_line, field, static_cast<std::size_t>(bad - field.value.begin()),
                    fmt::format("{} has byte 0x{:02x}; only visible ASCII characters are allowed", column,
                                static_cast<unsigned char>(*bad)));
      return false;
    }
    return true;
  }

  bool read_digest(std::size_t record_start, std::size_t record_line, const Field& field,
                   std::string_view column, Digest& out) {
    if (field.value.size() != 64) {
      field_problem(record_start, record_line, field, 0,
                    fmt::format("{} must be 64 hex digits, not {} characters", column, field.value.size()));
      return false;
    }
    if (const std::size_t bad = decode_hex_digest(field.value, out); bad != std::string_view::npos) {
      field_problem(record_start, record_line, field, bad,
                    fmt::format("{} has a character that is not a hex digit", column));
      return false;
    }
    return true;
  }

  const Field* field_of(Column column) const {
    const int index = layout_->index[static_cast<std::size_t>(column)];
    return index < 0 ? nullptr : &fields_[static_cast<std::size_t>(index)];
  }

  void store_record(std::size_t record_start, std::size_t record_line) {
    const std::size_t expected = layout_->columns.size();
    if (fields_.size() != expected) {
      report_at(record_start, record_start, record_line,
                fmt::format("{} field{}; the header has {}", fields_.size(), fields_.size() == 1 ? "" : "s",
                            expected));
      return;
    }
    if (table_.serials.size() >= limits::max_fleet_devices) {
      report_at(record_start, record_start, record_line,
                fmt::format("more than {} devices; the limit is {}", limits::max_fleet_devices,
                            limits::max_fleet_devices));
      stopped_ = true;
      return;
    }
    const std::size_t problems_before = problems_.size();
    const Field& serial = *field_of(Column::serial);
    if (serial.value.empty())
      field_problem(record_start, record_line, serial, 0, "serial is empty");
    else
      check_name(record_start, record_line, serial, "serial");

    Digest key{};
    bool has_key = false;
    if (const Field* field = field_of(Column::public_key); field && !field->value.empty()) {
      auto fingerprint = public_key_fingerprint(field->value);
      if (fingerprint) {
        key = *fingerprint;
        has_key = true;
      } else {
        field_problem(record_start, record_line, *field, 0, "public_key " + fingerprint.error().describe());
      }
    }
    if (const Field* field = field_of(Column::public_key_sha256); field && !field->value.empty())
      has_key = read_digest(record_start, record_line, *field, "public_key_sha256", key);

    const Field* identity = field_of(Column::psk_identity);
    if (identity && !identity->value.empty())
      check_name(record_start, record_line, *identity, "psk_identity");
    Digest psk{};
    const Field* psk_field = field_of(Column::psk_hash);
    const bool has_psk = psk_field && !psk_field->value.empty() &&
                         read_digest(record_start, record_line, *psk_field, "psk_hash", psk);
    if (identity && psk_field && identity->value.empty() != psk_field->value.empty())
      report_at(record_start, identity->value.empty() ? identity->offset : psk_field->offset, record_line,
                "psk_identity and psk_hash must both be given or both be empty");

    Digest password{};
    const Field* password_field = field_of(Column::password_hash);
    const bool has_password =
        password_field && !password_field->value.empty() &&
        read_digest(record_start, record_line, *password_field, "password_hash", password);
    double entropy = 0;
    if (const Field* field = field_of(Column::entropy)) {
      const bool password_given = password_field && !password_field->value.empty();
      if (field->value.empty()) {
        if (password_given)
          field_problem(record_start, record_line, *field, 0,
                        "password_entropy_bits is empty but password_hash is given");
      } else if (!password_given) {
        field_problem(record_start, record_line, *field, 0,
                      "password_entropy_bits is given but password_hash is empty");
      } else {
        const char* first = field->value.data();
        const char* last = first + field->value.size();
        const auto [end, error] = std::from_chars(first, last, entropy, std::chars_format::fixed);
        if (error != std::errc{} || end != last || !(entropy >= 0 && entropy <= 1000))
          field_problem(
              record_start, record_line, *field, 0,
              fmt::format("password_entropy_bits must be a number of bits from 0 to 1000, not \"{}\"",
                          field->value.substr(0, 32)));
      }
    }
    if (problems_.size() != problems_before || stopped_)
      return;

    const auto row = static_cast<std::uint32_t>(table_.serials.size());
    table_.serials.push_back(serial.value);
    if (has_key)
      table_.key_fingerprints.add(row, key);
    if (has_psk)
      table_.psk_tags.add(row, psk);
    if (identity && !identity->value.empty())
      table_.psk_identities.add(row, identity->value);
    if (has_password) {
      table_.password_tags.add(row, password);
      if (layout_->has(Column::entropy))
        table_.password_entropy_bits.add(row, entropy);
    }
  }

  std::string_view block_;
  const Layout* layout_;
  std::size_t pos_ = 0;
  std::size_t line_;
  bool stopped_ = false;
  std::vector<Field> fields_;
  std::vector<Problem> problems_;
  FleetTable table_;
};

std::optional<Column> column_named(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kManifestColumns); ++i)
    if (kManifestColumns[i] == name)
      return static_cast<Column>(i);
  if (name.starts_with("x-"))
    return Column::ignored;
  return std::nullopt;
}

template <typename Value>
void append_column(CredentialColumn<Value>& to, CredentialColumn<Value>&& from, std::uint32_t row_offset) {
  to.values.insert(to.values.end(), from.values.begin(), from.values.end());
  to.rows.reserve(to.rows.size() + from.rows.size());
  for (const std::uint32_t row : from.rows)
    to.rows.push_back(row + row_offset);
}

void append_table(FleetTable& to, FleetTable&& from) {
  const auto offset = static_cast<std::uint32_t>(to.serials.size());
  to.serials.insert(to.serials.end(), from.serials.begin(), from.serials.end());
  append_column(to.key_fingerprints, std::move(from.key_fingerprints), offset);
  append_column(to.psk_identities, std::move(from.psk_identities), offset);
  append_column(to.psk_tags, std::move(from.psk_tags), offset);
  append_column(to.password_tags, std::move(from.password_tags), offset);
  append_column(to.password_entropy_bits, std::move(from.password_entropy_bits), offset);
  to.arena.absorb(std::move(from.arena));
}

// Blocks smaller than this are parsed by one thread: starting a second costs more than it saves.
constexpr std::size_t kParallelThresholdBytes = 1 << 20;

}  // namespace

std::expected<Digest, Error> public_key_fingerprint(std::string_view base64_der) {
  std::array<std::uint8_t, limits::max_manifest_line_bytes / 4 * 3> der{};
  const auto length = decode_base64(base64_der, der);
  if (!length)
    return std::unexpected(Error::message("is not base64 (standard alphabet, padded with '=')"));
  const std::span<const std::uint8_t> bytes(der.data(), *length);
  const auto outer = der_element(bytes, 0, bytes.size(), 0x30);
  const auto algorithm = outer ? der_element(bytes, outer->content, outer->end, 0x30) : std::nullopt;
  const auto key = algorithm ? der_element(bytes, algorithm->end, outer->end, 0x03) : std::nullopt;
  if (!key || outer->end != bytes.size() || key->end != outer->end)
    return std::unexpected(Error::message(
        "is not a DER SubjectPublicKeyInfo (a SEQUENCE of an AlgorithmIdentifier and a BIT STRING)"));
  return ThreadSha256::digest(bytes);
}

std::expected<Manifest, Error> parse_manifest(std::string_view block, const std::string& file_name,
                                              unsigned threads) {
  const auto fail = [&](std::size_t line, std::size_t column, std::string message) {
    return std::unexpected(
        Error::single({file_name, static_cast<int>(line), static_cast<int>(column)}, "", std::move(message)));
  };
  if (block.size() > limits::max_manifest_bytes)
    return fail(0, 0,
                fmt::format("the manifest is {} bytes long; the limit is {}", block.size(),
                            limits::max_manifest_bytes));
  Manifest manifest;
  std::size_t pos =
      block.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark, as spreadsheets write
  std::size_t line = 1;
  // Comment lines before the header; "# rng: ..." says how the keys were generated.
  while (pos < block.size() && block[pos] == '#') {
    const std::size_t end = std::min(block.find('\n', pos), block.size());
    std::string_view text = block.substr(pos + 1, end - pos - 1);
    if (text.ends_with('\r'))
      text.remove_suffix(1);
    if (text.size() > limits::max_manifest_line_bytes)
      return fail(line, 1,
                  fmt::format("the comment line is {} bytes long; the limit is {}", text.size() + 1,
                              limits::max_manifest_line_bytes));
    const auto bad = std::ranges::find_if(text, [](char c) { return c < 0x20 || c > 0x7e; });
    if (bad != text.end())
      return fail(line, static_cast<std::size_t>(bad - text.begin()) + 2,
                  fmt::format("a comment line has byte 0x{:02x}; only printable ASCII is allowed",
                              static_cast<unsigned char>(*bad)));
    const std::size_t first = text.find_first_not_of(' ');
    if (first != std::string_view::npos && text.substr(first).starts_with("rng:")) {
      std::string_view rng = text.substr(first + 4);
      rng.remove_prefix(std::min(rng.find_first_not_of(' '), rng.size()));
      while (rng.ends_with(' '))
        rng.remove_suffix(1);
      if (rng.empty())
        return fail(line, first + 2, "the rng line says nothing");
      if (!manifest.table.rng.empty())
        return fail(line, first + 2, "a second rng line; give one");
      manifest.table.rng.emplace_back(rng);
    }
    pos = end < block.size() ? end + 1 : end;
    ++line;
  }
  if (pos >= block.size())
    return fail(line, 1, "the manifest has no header line");

  // The header.
  RecordParser header_parser(block, nullptr, line);
  auto names = header_parser.header(pos);
  if (!names) {
    const auto& problem = header_parser.problems().front();
    return fail(problem.line, problem.column, problem.message);
  }
  Layout layout;
  std::vector<Diagnostic> problems;
  const auto header_problem = [&](const Field& field, std::string message) {
    const auto [at_line, at_column] = header_parser.locate(pos, line, field.offset);
    problems.push_back(
        {{file_name, static_cast<int>(at_line), static_cast<int>(at_column)}, "", std::move(message)});
  };
  for (const Field& name : *names) {
    manifest.columns.emplace_back(name.value);
    const auto column = column_named(name.value);
    if (!column) {
      header_problem(name, fmt::format("unknown column \"{}\" (known: serial, public_key, public_key_sha256, "
                                       "psk_identity, psk_hash, password_hash, password_entropy_bits; a "
                                       "column of your own must start with \"x-\")",
                                       name.value.substr(0, limits::max_manifest_name_bytes)));
      layout.columns.push_back(Column::ignored);
      continue;
    }
    if (*column != Column::ignored) {
      auto& index = layout.index[static_cast<std::size_t>(*column)];
      if (index >= 0)
        header_problem(name, fmt::format("column \"{}\" is given twice", name.value));
      else
        index = static_cast<int>(layout.columns.size());
    }
    layout.columns.push_back(*column);
  }
  const Field& first_name = names->front();
  if (!layout.has(Column::serial))
    header_problem(first_name, "the header has no serial column");
  if (layout.has(Column::public_key) && layout.has(Column::public_key_sha256))
    header_problem(first_name, "the header has both public_key and public_key_sha256; give one");
  if (layout.has(Column::entropy) && !layout.has(Column::password_hash))
    header_problem(first_name, "the header has password_entropy_bits but no password_hash");
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  const std::size_t data_start = header_parser.pos();
  const std::size_t data_line = header_parser.line();

  // The records, in two halves when the block is large. The second half starts after a line feed past
  // the middle; that is a record start unless the line feed sits inside a quoted field, which the first
  // half's parser finds out by not stopping exactly there.
  RecordParser first(block, &layout, data_line);
  std::size_t boundary = block.size();
  if (threads > 1 && block.size() - data_start > kParallelThresholdBytes) {
    const std::size_t middle = data_start + (block.size() - data_start) / 2;
    if (const std::size_t feed = block.find('\n', middle); feed != std::string_view::npos)
      boundary = feed + 1;
  }
  // Rows expected, from the length of the first record (an estimate: vectors still grow if it is short).
  std::size_t expected_rows = 0;
  if (const std::size_t first_end = block.find('\n', data_start); first_end != std::string_view::npos)
    expected_rows = (block.size() - data_start) / (first_end - data_start + 1) * 11 / 10;
  // A line with any credential has at least 64 hex digits; a short first line must not make a hostile
  // file reserve gigabytes.
  expected_rows = std::min(expected_rows, (block.size() - data_start) / 64);
  first.reserve(expected_rows);
  std::optional<RecordParser> second;
  if (boundary < block.size()) {
    second.emplace(block, &layout, 1);
    second->reserve(expected_rows / 2);
    std::jthread worker([&] { second->parse_records(boundary, block.size()); });
    first.parse_records(data_start, boundary);
  } else {
    first.parse_records(data_start, block.size());
  }
  const bool split_held = second && first.pos() == boundary && !first.stopped();
  if (second && !split_held && !first.stopped())
    first.parse_records(first.pos(), block.size());

  std::vector<Problem> all = std::move(first.problems());
  if (split_held) {
    for (auto& problem : second->problems()) {
      problem.line += first.line() - 1;
      all.push_back(std::move(problem));
    }
  }
  if (!all.empty()) {
    const bool capped = all.size() >= limits::max_manifest_problems;
    if (capped)
      all.resize(limits::max_manifest_problems);
    for (auto& problem : all)
      problems.push_back({{file_name, static_cast<int>(problem.line), static_cast<int>(problem.column)},
                          "",
                          std::move(problem.message)});
    if (capped)
      problems.push_back(
          {{file_name, 0, 0}, "", fmt::format("stopped after {} problems", limits::max_manifest_problems)});
    return std::unexpected(Error{std::move(problems)});
  }
  FleetTable table = std::move(first.table());
  if (split_held) {
    if (table.size() + second->table().size() > limits::max_fleet_devices)
      return fail(0, 0,
                  fmt::format("more than {} devices; the limit is {}", limits::max_fleet_devices,
                              limits::max_fleet_devices));
    append_table(table, std::move(second->table()));
  }
  if (table.size() == 0)
    return fail(data_line, 1, "the manifest lists no devices after its header");
  table.rng = std::move(manifest.table.rng);
  table.has_entropy_estimates = layout.has(Column::entropy);
  manifest.table = std::move(table);
  return manifest;
}

}  // namespace en18031::factory
