// Full TLS handshakes through OpenSSL, for what needs real cryptography: the certificate chain, its
// verification against a trust anchor and the host name, and whether the server demands a client
// certificate and refuses the handshake without one (in TLS 1.3 the CertificateRequest is encrypted).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <openssl/types.h>

#include "core/diagnostic.hpp"
#include "policy/certificate.hpp"
#include "probe/tls/transport.hpp"

namespace en18031::probe::tls {

struct HandshakeOptions {
  std::string server_name;  // SNI and the name checked against the certificate; empty: the host
  std::string host;         // as given (an address literal is checked as an IP address)
  std::string ca_file;      // trust anchors (PEM); empty: the system's
  std::string client_cert;  // PEM, with client_key: a second handshake shows mutual authentication works
  std::string client_key;
};

struct HandshakeResult {
  bool completed = false;                       // without a client certificate
  std::string failure;                          // why not: "alert handshake_failure", OpenSSL's reason
  std::string version;                          // "TLSv1.3"
  std::string cipher_suite;                     // IANA name
  std::string group;                            // key exchange group, when known
  std::vector<policy::CertificateFacts> chain;  // as sent, leaf first
  std::optional<bool> chain_trusted;            // verification against the anchors
  std::string verify_error;                     // OpenSSL's text when not trusted
  std::optional<bool> hostname_matches;
  bool client_certificate_requested = false;
  // The server went on without a client certificate: false when it refused (TLS 1.2: the handshake
  // failed; TLS 1.3: an alert after our Finished).
  std::optional<bool> completed_without_client_certificate;
  std::optional<bool> completed_with_client_certificate;  // with --client-cert
  std::optional<bool> session_ticket;                     // a ticket arrived (TLS 1.3: after the handshake)
};

// The certificate chain a server sent in a handshake (TLS or DTLS), as probe tls and probe dtls report it.
struct PeerChain {
  std::vector<policy::CertificateFacts> chain;  // as sent, leaf first
  std::optional<bool> chain_trusted;            // verification against the anchors; unset without a chain
  std::string verify_error;                     // OpenSSL's text when not trusted
  std::optional<bool> hostname_matches;         // `name` (an address literal as an IP address) in the leaf
};

// Reads the chain of `ssl`, its verification result and whether the leaf names `name`. The chain arrives
// before the server asks for a client certificate: known even when the handshake failed.
PeerChain read_peer_chain(const SSL* ssl, const std::string& name);

// Connects through `net` (counted against its connection budget).
std::expected<HandshakeResult, Error> full_handshake(TcpTransport& net, const HandshakeOptions& options);

}  // namespace en18031::probe::tls
