// libFuzzer target for signed evidence: any bytes as the payload of a DSSE envelope, signed with a key the
// loader trusts, so every input gets past the signature check and reaches the in-toto Statement, its
// subjects and the record inside. The input is also read as an envelope itself (forged or damaged
// signatures, malformed base64).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/dsse.hpp"
#include "load/evidence_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  static const crypto::Key key = *crypto::generate_key(crypto::KeyType::ed25519);
  static const load::TrustedEvidenceKey trust{"fuzz", key.public_only(), crypto::key_fingerprint(key)};
  const auto keys = std::span(&trust, 1);
  const auto as_envelope = load::parse_evidence(payload, "fuzz/envelope.json", nullptr, keys);
  const auto signature = crypto::sign_message(key, crypto::dsse_pae(load::kInTotoPayloadType, payload));
  if (!signature)
    return 0;
  const nlohmann::json envelope = {
      {"payloadType", load::kInTotoPayloadType},
      {"payload", crypto::base64_encode(payload)},
      {"signatures",
       nlohmann::json::array({{{"keyid", trust.fingerprint}, {"sig", crypto::base64_encode(*signature)}}})}};
  const auto signed_payload = load::parse_evidence(envelope.dump(), "fuzz/signed.json", nullptr, keys);
  // A payload that loads was signed by the trusted key: anything else is a bug in the loader.
  if (signed_payload.record && signed_payload.record->signature.status != EvidenceSignature::Status::trusted)
    __builtin_trap();
  return static_cast<int>(as_envelope.problems.size() > 100000);
}
