#include "probe/tls/signature_schemes.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "crypto/openssl.hpp"

namespace en18031::probe::tls {
namespace {

using Outcome = ServerFlight::Outcome;

std::string answer_text(const ServerFlight& flight) {
  switch (flight.outcome) {
    case Outcome::alert:
      return fmt::format("alert {}", alert_name(flight.alert_description));
    case Outcome::incomplete:
      return flight.bytes == 0 ? "closed without an answer" : "incomplete answer";
    case Outcome::malformed:
      return "malformed answer";
    case Outcome::server_hello:
    case Outcome::hello_retry_request:
      return fmt::format("answered with {}", version_name(flight.version));
  }
  return "?";
}

// TLS 1.3 CertificateVerify schemes (RFC 8446 4.2.3; rsa_pkcs1_* and SHA-1 are not allowed there).
constexpr std::uint16_t kTls13Schemes[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805,
                                           0x0806, 0x0809, 0x080a, 0x080b, 0x081a, 0x081b, 0x081c};

using SslCtxPtr = crypto::Owned<SSL_CTX, SSL_CTX_free>;
using SslPtr = crypto::Owned<SSL, SSL_free>;

int alert_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void on_info(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_READ_ALERT) == 0)
    return;
  if (auto* alert = static_cast<int*>(SSL_get_ex_data(ssl, alert_index())))
    *alert = value & 0xff;
}

SslCtxPtr tls13_context() {
  SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context)
    return context;
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(context.get(), TLS1_3_VERSION);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);  // the chain is judged by the full handshake
  SSL_CTX_set_info_callback(context.get(), on_info);
  return context;
}

// The scheme OpenSSL reports for the peer's CertificateVerify. OpenSSL gives the key type and the hash;
// RSA-PSS with an rsaEncryption key is rsae, with an RSASSA-PSS key pss (RFC 8446 4.2.3).
std::optional<std::uint16_t> peer_scheme(SSL* ssl) {
  int type = 0, hash = 0;
  if (SSL_get_peer_signature_type_nid(ssl, &type) != 1 || SSL_get_peer_signature_nid(ssl, &hash) != 1)
    return std::nullopt;
  const int size = hash == NID_sha256 ? 0 : hash == NID_sha384 ? 1 : hash == NID_sha512 ? 2 : -1;
  switch (type) {
    case EVP_PKEY_ED25519:
      return 0x0807;
    case EVP_PKEY_ED448:
      return 0x0808;
    case EVP_PKEY_EC:
      if (size < 0)
        return std::nullopt;
      return static_cast<std::uint16_t>(0x0403 + 0x0100 * size);
    case EVP_PKEY_RSA_PSS: {
      if (size < 0)
        return std::nullopt;
      X509* leaf = SSL_get0_peer_certificate(ssl);
      const bool pss_key = leaf && EVP_PKEY_get_base_id(X509_get0_pubkey(leaf)) == EVP_PKEY_RSA_PSS;
      return static_cast<std::uint16_t>((pss_key ? 0x0809 : 0x0804) + size);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::vector<std::uint16_t> signed_ephemeral_suites(const TlsScan& scan,
                                                   const std::vector<CipherSuite>& suites) {
  std::vector<std::uint16_t> out;
  const VersionResult* tls12 = scan.find(kTls12);
  if (!tls12 || !tls12->accepted)
    return out;
  for (const auto suite : tls12->suites) {
    const std::string name = suite_name(suites, suite);
    const bool ephemeral = name.starts_with("TLS_ECDHE_") || name.starts_with("TLS_DHE_");
    const bool signed_ = name.find("_PSK_") == std::string::npos && name.find("_anon_") == std::string::npos;
    if (ephemeral && signed_)
      out.push_back(suite);
  }
  return out;
}

SignatureSchemeResult scan_tls12_signature_schemes(Transport& net, const TlsScan& scan,
                                                   const ScanOptions& options) {
  SignatureSchemeResult result{.version = kTls12};
  const VersionResult* tls12 = scan.find(kTls12);
  if (!tls12 || !tls12->accepted) {
    result.not_measured = "TLS 1.2 not accepted";
    return result;
  }
  const auto ephemeral = signed_ephemeral_suites(scan, options.suites);
  if (ephemeral.empty()) {
    result.not_measured = "no ephemeral suite";
    return result;
  }
  result.measured = true;
  std::vector<std::uint16_t> remaining = offered_signature_schemes();
  for (std::size_t round = 0; !remaining.empty() && round <= offered_signature_schemes().size(); ++round) {
    HelloSpec spec{.version = kTls12,
                   .cipher_suites = ephemeral,
                   .groups = offered_groups(),
                   .signature_schemes = remaining};
    spec.server_name = options.server_name;
    spec.random = options.random ? options.random() : std::array<std::uint8_t, 32>{};
    auto received = net.exchange(build_client_hello(spec), [](std::span<const std::uint8_t> bytes) {
      return parse_server_flight(bytes).finished();
    });
    if (!received) {
      result.problems.push_back(received.error().describe());
      result.end = "no connection";
      break;
    }
    const ServerFlight flight = parse_server_flight(*received);
    if (flight.outcome == Outcome::malformed)
      result.problems.push_back(
          fmt::format("TLSv1.2 signature scheme hello: the answer is not TLS: {}", flight.problem));
    if (flight.outcome != Outcome::server_hello || flight.version != kTls12) {
      result.end = answer_text(flight);
      break;
    }
    if (!flight.signature_scheme) {
      result.end = flight.server_key_exchange ? "a ServerKeyExchange without a scheme we could read"
                                              : "no ServerKeyExchange";
      break;
    }
    if (std::ranges::find(remaining, *flight.signature_scheme) == remaining.end()) {
      // RFC 5246 7.4.1.4.1: the server must use one of the offered pairs; one that does not is reported.
      result.problems.push_back(fmt::format("TLSv1.2: the server signed with {}, which was not offered",
                                            signature_scheme_name(*flight.signature_scheme)));
      result.end = "a scheme that was not offered";
      break;
    }
    result.schemes.push_back(*flight.signature_scheme);
    std::erase(remaining, *flight.signature_scheme);
  }
  if (remaining.empty())
    result.end = "every scheme offered was accepted";
  return result;
}

const std::vector<std::uint16_t>& tls13_signature_schemes() {
  // Only the schemes this OpenSSL can offer (Debian 12's 3.0 has no brainpool TLS 1.3 schemes).
  static const std::vector<std::uint16_t> schemes = [] {
    std::vector<std::uint16_t> usable;
    SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
    for (const auto scheme : kTls13Schemes)
      if (context && SSL_CTX_set1_sigalgs_list(context.get(), signature_scheme_name(scheme).c_str()) == 1)
        usable.push_back(scheme);
    ERR_clear_error();
    return usable;
  }();
  return schemes;
}

SignatureSchemeResult scan_tls13_signature_schemes(TcpTransport& net, const HandshakeOptions& options) {
  SignatureSchemeResult result{.version = kTls13, .measured = true};
  std::vector<std::uint16_t> remaining = tls13_signature_schemes();
  const std::string& name = options.server_name.empty() ? options.host : options.server_name;
  for (std::size_t round = 0; !remaining.empty() && round <= std::size(kTls13Schemes); ++round) {
    std::string list;
    for (const auto scheme : remaining)
      list += (list.empty() ? "" : ":") + signature_scheme_name(scheme);
    SslCtxPtr context = tls13_context();
    if (!context || SSL_CTX_set1_sigalgs_list(context.get(), list.c_str()) != 1) {
      result.problems.push_back(fmt::format("OpenSSL cannot offer {}: {}", list, crypto::openssl_reason()));
      result.end = "OpenSSL refused the list";
      break;
    }
    auto socket = net.connect();
    if (!socket) {
      result.problems.push_back(socket.error().describe());
      result.end = "no connection";
      break;
    }
    int alert = -1;  // before the SSL, so it outlives every callback that writes it
    SslPtr ssl(SSL_new(context.get()));
    SSL_set_ex_data(ssl.get(), alert_index(), &alert);
    SSL_set_fd(ssl.get(), socket->fd());
    if (!is_address_literal(name))
      SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    ERR_clear_error();
    if (SSL_connect(ssl.get()) != 1) {
      result.end = alert >= 0 ? fmt::format("alert {}", alert_name(static_cast<std::uint8_t>(alert)))
                              : fmt::format("handshake failed: {}", crypto::openssl_reason());
      ERR_clear_error();
      break;
    }
    const auto scheme = peer_scheme(ssl.get());
    if (!scheme || std::ranges::find(remaining, *scheme) == remaining.end()) {
      result.problems.push_back("TLSv1.3: OpenSSL did not report a signature scheme that was offered");
      result.end = "scheme unknown";
      break;
    }
    result.schemes.push_back(*scheme);
    std::erase(remaining, *scheme);
  }
  if (remaining.empty())
    result.end = "every scheme offered was accepted";
  return result;
}

}  // namespace en18031::probe::tls
