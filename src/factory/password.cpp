#include "factory/password.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <zxcvbn.h>

namespace en18031::factory {
namespace {

// Maps random bytes to alphabet characters, skipping bytes that would bias the choice.
class CharacterPicker {
 public:
  CharacterPicker(std::string_view alphabet, int length)
      : alphabet_(alphabet),
        length_(static_cast<std::size_t>(length)),
        limit_(256 - 256 % static_cast<unsigned>(alphabet.size())) {}
  void feed(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t byte : bytes) {
      if (done())
        return;
      if (byte < limit_)
        password_.push_back(alphabet_[byte % alphabet_.size()]);
    }
  }
  bool done() const { return password_.size() >= length_; }
  std::string take() { return std::move(password_); }

 private:
  std::string_view alphabet_;
  std::size_t length_;
  unsigned limit_;
  std::string password_;
};

}  // namespace

std::string random_password(std::string_view alphabet, int length) {
  if (alphabet.size() < 2 || alphabet.size() > 256 || length < 1)
    throw std::invalid_argument("random_password: bad alphabet or length");
  CharacterPicker picker(alphabet, length);
  std::array<std::uint8_t, 64> bytes{};
  while (!picker.done()) {
    if (RAND_priv_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
      throw std::runtime_error("OpenSSL failed: RAND_priv_bytes");
    picker.feed(bytes);
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return picker.take();
}

std::string derived_password(std::span<const std::uint8_t> secret, std::string_view serial,
                             std::string_view alphabet, int length, unsigned counter) {
  if (alphabet.size() < 2 || alphabet.size() > 256 || length < 1 || counter > kMaxPasswordCounter)
    throw std::invalid_argument("derived_password: bad alphabet, length or counter");
  CharacterPicker picker(alphabet, length);
  std::vector<std::uint8_t> message(serial.begin(), serial.end());
  message.push_back(0);
  const std::size_t block_at = message.size();
  message.push_back(0);  // block number
  if (counter != 0)
    message.push_back(static_cast<std::uint8_t>(counter));
  std::array<std::uint8_t, 32> block{};
  for (unsigned number = 0; !picker.done(); ++number) {
    if (number > 255)
      throw std::runtime_error("derived_password: alphabet rejects almost every byte");
    message[block_at] = static_cast<std::uint8_t>(number);
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(),
             block.data(), &size) == nullptr)
      throw std::runtime_error("OpenSSL failed: HMAC-SHA256");
    picker.feed(block);
  }
  OPENSSL_cleanse(block.data(), block.size());
  return picker.take();
}

std::string derived_method(unsigned counter) {
  return counter == 0 ? std::string("hmac-sha256") : "hmac-sha256;counter=" + std::to_string(counter);
}

double password_entropy_bits(const std::string& password, std::span<const std::string> known_words) {
  std::vector<const char*> words;
  for (const auto& word : known_words)
    if (!word.empty())
      words.push_back(word.c_str());
  words.push_back(nullptr);
  return ZxcvbnMatch(password.c_str(), words.data(), nullptr);
}

}  // namespace en18031::factory
