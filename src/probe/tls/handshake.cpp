#include "probe/tls/handshake.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "crypto/openssl.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::tls {
namespace {

using SslCtxPtr = crypto::Owned<SSL_CTX, SSL_CTX_free>;
using SslPtr = crypto::Owned<SSL, SSL_free>;

// What the callbacks saw, reached through the SSL's ex_data slot 0 of our own index.
struct Observed {
  bool certificate_requested = false;
  bool ticket_received = false;  // a TLS 1.3 NewSessionTicket after the handshake
  int alert_received = -1;
};

int observed_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int on_client_certificate_request(SSL* ssl, X509**, EVP_PKEY**) {
  if (auto* seen = static_cast<Observed*>(SSL_get_ex_data(ssl, observed_index())))
    seen->certificate_requested = true;
  return 0;  // no certificate
}

int on_new_session(SSL* ssl, SSL_SESSION*) {
  if (auto* seen = static_cast<Observed*>(SSL_get_ex_data(ssl, observed_index())))
    seen->ticket_received = true;
  return 0;  // not kept: the session is only looked at
}

void on_info(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_READ_ALERT) == 0)
    return;
  if (auto* seen = static_cast<Observed*>(SSL_get_ex_data(ssl, observed_index())))
    seen->alert_received = value & 0xff;
}

struct Attempt {
  bool completed = false;
  std::string failure;
  bool refused_after = false;  // TLS 1.3: an alert after the handshake
  // On the heap: OpenSSL's callbacks write through the pointer in the SSL's ex_data, which must stay valid
  // when the Attempt is moved out of the function that made it (seen by ASan as a stack-use-after-return).
  std::unique_ptr<Observed> seen = std::make_unique<Observed>();
  SslPtr ssl;
  Socket socket;
};

std::expected<Attempt, Error> attempt(TcpTransport& net, const HandshakeOptions& options,
                                      bool with_client_certificate) {
  SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context)
    return std::unexpected(Error::message("cannot create an OpenSSL context"));
  // Security level 0 and every cipher: the probe must complete a handshake with the weak server it judges.
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), 0);
  SSL_CTX_set_cipher_list(context.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);  // verified below, to report, not to stop
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(context.get(), options.ca_file.c_str(), nullptr) != 1)
      return std::unexpected(Error::message(
          fmt::format("{}: cannot read trust anchors: {}", options.ca_file, crypto::openssl_reason())));
  } else {
    SSL_CTX_set_default_verify_paths(context.get());
  }
  if (with_client_certificate) {
    if (SSL_CTX_use_certificate_chain_file(context.get(), options.client_cert.c_str()) != 1)
      return std::unexpected(Error::message(fmt::format("{}: cannot read the client certificate: {}",
                                                        options.client_cert, crypto::openssl_reason())));
    if (SSL_CTX_use_PrivateKey_file(context.get(), options.client_key.c_str(), SSL_FILETYPE_PEM) != 1)
      return std::unexpected(Error::message(
          fmt::format("{}: cannot read the client key: {}", options.client_key, crypto::openssl_reason())));
  } else {
    SSL_CTX_set_client_cert_cb(context.get(), on_client_certificate_request);
  }
  SSL_CTX_set_info_callback(context.get(), on_info);
  SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(context.get(), on_new_session);
  auto socket = net.connect();
  if (!socket)
    return std::unexpected(std::move(socket.error()));
  Attempt result;
  result.socket = std::move(*socket);
  result.ssl.reset(SSL_new(context.get()));
  SSL* ssl = result.ssl.get();
  SSL_set_ex_data(ssl, observed_index(), result.seen.get());
  SSL_set_fd(ssl, result.socket.fd());
  const std::string& name = options.server_name.empty() ? options.host : options.server_name;
  if (!is_address_literal(name))
    SSL_set_tlsext_host_name(ssl, name.c_str());
  ERR_clear_error();
  if (SSL_connect(ssl) != 1) {
    result.failure =
        result.seen->alert_received >= 0
            ? fmt::format("alert {}", alert_name(static_cast<std::uint8_t>(result.seen->alert_received)))
            : fmt::format("handshake failed: {}", crypto::openssl_reason());
    return result;
  }
  result.completed = true;
  if (SSL_version(ssl) == TLS1_3_VERSION) {
    // After our Finished a TLS 1.3 server that accepts us sends session tickets (or nothing); one that
    // asked for a certificate and did not like what it got (ours or none) sends an alert instead. Read
    // until one of the two arrives, at most one second: waiting out the whole second on every server
    // made a TLS 1.3 probe take a second longer than its handshakes.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min(net.timeout_ms(), 1000));
    const int fd = result.socket.fd();
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (!result.seen->ticket_received && result.seen->alert_received < 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      pollfd waiting{fd, POLLIN, 0};
      if (left <= 0 || poll(&waiting, 1, static_cast<int>(left)) <= 0)
        break;
      char byte = 0;
      const int peeked = SSL_peek(ssl, &byte, 1);
      if (peeked > 0 || SSL_get_error(ssl, peeked) != SSL_ERROR_WANT_READ)
        break;  // application data, or the connection closed
    }
    if (result.seen->alert_received > 0) {
      result.refused_after = true;
      result.failure = fmt::format("alert {} after the handshake",
                                   alert_name(static_cast<std::uint8_t>(result.seen->alert_received)));
    }
  }
  ERR_clear_error();
  return result;
}

}  // namespace

PeerChain read_peer_chain(const SSL* ssl, const std::string& name) {
  PeerChain peer;
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl))
    for (int i = 0; i < sk_X509_num(chain); ++i)
      peer.chain.push_back(policy::describe_certificate(sk_X509_value(chain, i)));
  if (peer.chain.empty())
    return peer;
  const long verified = SSL_get_verify_result(ssl);
  peer.chain_trusted = verified == X509_V_OK;
  if (verified != X509_V_OK)
    peer.verify_error = X509_verify_cert_error_string(verified);
  if (X509* leaf = SSL_get0_peer_certificate(ssl))
    peer.hostname_matches = is_address_literal(name)
                                ? X509_check_ip_asc(leaf, name.c_str(), 0) == 1
                                : X509_check_host(leaf, name.c_str(), name.size(), 0, nullptr) == 1;
  return peer;
}

std::expected<HandshakeResult, Error> full_handshake(TcpTransport& net, const HandshakeOptions& options) {
  auto first = attempt(net, options, false);
  if (!first)
    return std::unexpected(std::move(first.error()));
  HandshakeResult result;
  result.client_certificate_requested = first->seen->certificate_requested;
  result.completed = first->completed && !first->refused_after;
  result.failure = first->failure;
  if (result.client_certificate_requested)
    result.completed_without_client_certificate = result.completed;
  SSL* ssl = first->ssl.get();
  auto peer = read_peer_chain(ssl, options.server_name.empty() ? options.host : options.server_name);
  result.chain = std::move(peer.chain);
  result.chain_trusted = peer.chain_trusted;
  result.verify_error = std::move(peer.verify_error);
  result.hostname_matches = peer.hostname_matches;
  if (first->completed) {
    result.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl))
      result.cipher_suite =
          SSL_CIPHER_standard_name(cipher) ? SSL_CIPHER_standard_name(cipher) : SSL_CIPHER_get_name(cipher);
    const int group = static_cast<int>(SSL_get_negotiated_group(ssl));
    if (group > 0) {
      const char* name = SSL_group_to_name(ssl, group);
      result.group = name ? name : "";
      if (result.group == "prime256v1")
        result.group = "secp256r1";
    }
    if (SSL_SESSION* session = SSL_get0_session(ssl))
      result.session_ticket = SSL_SESSION_has_ticket(session) == 1;
  }
  if (!options.client_cert.empty() && result.client_certificate_requested) {
    auto second = attempt(net, options, true);
    if (!second)
      return std::unexpected(std::move(second.error()));
    result.completed_with_client_certificate = second->completed && !second->refused_after;
  }
  return result;
}

}  // namespace en18031::probe::tls
