#include "probe/dtls/handshake.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/socket.h>

#include "crypto/openssl.hpp"
#include "limits.hpp"
#include "probe/dtls/coap.hpp"
#include "probe/tls/handshake.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::dtls {
namespace {

using Clock = std::chrono::steady_clock;
using SslCtxPtr = crypto::Owned<SSL_CTX, SSL_CTX_free>;
using SslPtr = crypto::Owned<SSL, SSL_free>;

struct Observed {
  bool certificate_requested = false;
  int alert_received = -1;
  const DtlsHandshakeOptions* psk_from = nullptr;  // set only for the PSK handshake
};

int observed_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

Observed* observed(const SSL* ssl) {
  return static_cast<Observed*>(SSL_get_ex_data(ssl, observed_index()));
}

int on_client_certificate_request(SSL* ssl, X509**, EVP_PKEY**) {
  if (auto* seen = observed(ssl))
    seen->certificate_requested = true;
  return 0;  // no certificate
}

void on_info(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_READ_ALERT) != 0)
    if (auto* seen = observed(ssl))
      seen->alert_received = value & 0xff;
}

unsigned int on_psk(SSL* ssl, const char*, char* identity, unsigned int max_identity, unsigned char* psk,
                    unsigned int max_psk) {
  const auto* seen = observed(ssl);
  if (!seen || !seen->psk_from)
    return 0;
  const auto& options = *seen->psk_from;
  if (options.psk_identity.size() + 1 > max_identity || options.psk.size() > max_psk)
    return 0;
  std::memcpy(identity, options.psk_identity.c_str(), options.psk_identity.size() + 1);
  std::memcpy(psk, options.psk.data(), options.psk.size());
  return static_cast<unsigned int>(options.psk.size());
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

enum class Step { done, failed, timed_out };

// Runs one non-blocking OpenSSL call to its end: waits on the socket, lets OpenSSL retransmit its flight
// when its DTLS timer runs out, and gives up at `deadline`.
template <typename Call>
Step drive(SSL* ssl, int fd, Clock::time_point deadline, Call call) {
  while (true) {
    ERR_clear_error();
    const int result = call();
    if (result > 0)
      return Step::done;
    const int error = SSL_get_error(ssl, result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE)
      return Step::failed;
    int wait = remaining_ms(deadline);
    if (wait == 0)
      return Step::timed_out;
    timeval timer{};
    if (DTLSv1_get_timeout(ssl, &timer))
      wait = std::min(wait, static_cast<int>(timer.tv_sec * 1000 + timer.tv_usec / 1000) + 1);
    pollfd watch{fd, POLLIN, 0};
    if (::poll(&watch, 1, wait) == 0)
      DTLSv1_handle_timeout(ssl);
  }
}

struct Attempt {
  DtlsSession session;
  // On the heap: OpenSSL's callbacks write through the pointer in the SSL's ex_data, which must stay valid
  // when the Attempt is moved out of the function that made it (seen by ASan as a stack-use-after-return).
  std::unique_ptr<Observed> seen = std::make_unique<Observed>();
  SslPtr ssl;
  tls::Socket socket;
};

std::string failure_text(const Attempt& attempt, Step step, int budget_ms) {
  if (attempt.seen->alert_received >= 0)
    return fmt::format("alert {}", tls::alert_name(static_cast<std::uint8_t>(attempt.seen->alert_received)));
  if (step == Step::timed_out)
    return fmt::format("no complete handshake within {} ms", budget_ms);
  return fmt::format("handshake failed: {}", crypto::openssl_reason());
}

CoapResult ask_coap(Attempt& attempt, int timeout_ms, std::string over) {
  CoapResult result{.over = std::move(over)};
  SSL* ssl = attempt.ssl.get();
  std::random_device entropy;
  const auto message_id = static_cast<std::uint16_t>(entropy());
  std::array<std::uint8_t, 4> token{};
  for (auto& byte : token)
    byte = static_cast<std::uint8_t>(entropy());
  const auto request = build_coap_discovery_request(message_id, token);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  if (drive(ssl, attempt.socket.fd(), deadline,
            [&] { return SSL_write(ssl, request.data(), static_cast<int>(request.size())); }) != Step::done) {
    result.problem = "the CoAP request could not be sent over the session";
    return result;
  }
  std::vector<std::uint8_t> buffer(limits::max_coap_response_bytes + 1);
  // Read records until the response to our token comes (a server may send other messages first).
  for (int records = 0; records < 8; ++records) {
    int got = 0;
    const Step step = drive(ssl, attempt.socket.fd(), deadline, [&] {
      got = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()));
      return got;
    });
    if (step != Step::done) {
      result.problem = step == Step::timed_out ? fmt::format("no CoAP response within {} ms", timeout_ms)
                                               : "the session ended before a CoAP response came";
      return result;
    }
    const auto response = parse_coap_response(std::span(buffer).first(static_cast<std::size_t>(got)));
    if (!response.ok) {
      result.problem = fmt::format("the answer is not CoAP: {}", response.problem);
      return result;
    }
    if (!std::ranges::equal(response.token, token))
      continue;
    result.answered = true;
    result.code = response.code_text();
    result.type = response.type_text();
    result.content_format = response.content_format;
    result.payload_bytes = response.payload.size();
    result.links = first_links(response.payload, limits::max_coap_links_reported);
    return result;
  }
  result.problem = "no CoAP response with our token among the first 8 records";
  return result;
}

std::expected<Attempt, Error> attempt(UdpTransport& net, const DtlsHandshakeOptions& options, bool with_psk) {
  SslCtxPtr context(SSL_CTX_new(DTLS_client_method()));
  if (!context)
    return std::unexpected(Error::message("cannot create an OpenSSL DTLS context"));
  // Security level 0 and every suite: the probe must complete a handshake with the weak server it judges.
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), 0);
  SSL_CTX_set_cipher_list(context.get(),
                          with_psk ? "PSK:@SECLEVEL=0" : "ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0");
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);  // verified below, to report, not to stop
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(context.get(), options.ca_file.c_str(), nullptr) != 1)
      return std::unexpected(Error::message(
          fmt::format("{}: cannot read trust anchors: {}", options.ca_file, crypto::openssl_reason())));
  } else {
    SSL_CTX_set_default_verify_paths(context.get());
  }
  SSL_CTX_set_client_cert_cb(context.get(), on_client_certificate_request);
  SSL_CTX_set_info_callback(context.get(), on_info);
  if (with_psk)
    SSL_CTX_set_psk_client_callback(context.get(), on_psk);
  auto socket = net.connect();
  if (!socket)
    return std::unexpected(std::move(socket.error()));
  Attempt result;
  result.socket = std::move(*socket);
  result.seen->psk_from = with_psk ? &options : nullptr;
  result.ssl.reset(SSL_new(context.get()));
  SSL* ssl = result.ssl.get();
  SSL_set_ex_data(ssl, observed_index(), result.seen.get());
  BIO* bio = BIO_new_dgram(result.socket.fd(), BIO_NOCLOSE);
  if (!bio)
    return std::unexpected(Error::message("cannot create an OpenSSL datagram BIO"));
  sockaddr_storage peer{};
  socklen_t peer_length = sizeof peer;
  ::getpeername(result.socket.fd(), reinterpret_cast<sockaddr*>(&peer), &peer_length);
  BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer);
  SSL_set_bio(ssl, bio, bio);
  const std::string& name = options.server_name.empty() ? options.host : options.server_name;
  if (!tls::is_address_literal(name))
    SSL_set_tlsext_host_name(ssl, name.c_str());
  const int budget_ms = 2 * net.timeout_ms();
  const Step step = drive(ssl, result.socket.fd(), Clock::now() + std::chrono::milliseconds(budget_ms),
                          [ssl] { return SSL_connect(ssl); });
  if (step != Step::done) {
    result.session.failure = failure_text(result, step, budget_ms);
    ERR_clear_error();
    return result;
  }
  result.session.completed = true;
  result.session.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl))
    result.session.cipher_suite =
        SSL_CIPHER_standard_name(cipher) ? SSL_CIPHER_standard_name(cipher) : SSL_CIPHER_get_name(cipher);
  ERR_clear_error();
  return result;
}

void close_politely(Attempt& attempt) {
  if (attempt.session.completed) {
    SSL_shutdown(attempt.ssl.get());  // one close_notify; no wait for the peer's
    ERR_clear_error();
  }
}

}  // namespace

std::expected<DtlsHandshakeResult, Error> dtls_handshakes(UdpTransport& net,
                                                          const DtlsHandshakeOptions& options) {
  auto first = attempt(net, options, false);
  if (!first)
    return std::unexpected(std::move(first.error()));
  DtlsHandshakeResult result;
  result.without_credentials = first->session;
  result.certificate_requested = first->seen->certificate_requested;
  auto peer = tls::read_peer_chain(first->ssl.get(),
                                   options.server_name.empty() ? options.host : options.server_name);
  result.chain = std::move(peer.chain);
  result.chain_trusted = peer.chain_trusted;
  result.verify_error = std::move(peer.verify_error);
  result.hostname_matches = peer.hostname_matches;
  const bool coap_without_psk = options.coap && options.psk.empty();
  if (coap_without_psk && first->session.completed)
    result.coap = ask_coap(*first, net.timeout_ms(), "session without credentials");
  close_politely(*first);
  if (!options.psk.empty()) {
    auto second = attempt(net, options, true);
    if (!second)
      return std::unexpected(std::move(second.error()));
    result.with_psk = second->session;
    if (options.coap && second->session.completed)
      result.coap = ask_coap(*second, net.timeout_ms(), "PSK session");
    close_politely(*second);
  }
  if (options.coap && !result.coap)
    result.coap = CoapResult{.problem = "no DTLS session was established to carry the CoAP request"};
  return result;
}

}  // namespace en18031::probe::dtls
