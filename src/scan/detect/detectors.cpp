#include "scan/detect/detectors.hpp"

#include "scan/detect/key_detectors.hpp"

namespace en18031::scan::detect {

void run(Detector detector, const Input& input, Output& out) {
  switch (detector) {
    case Detector::pem_private_key:
      return detect_pem_private_key(input, out);
    case Detector::der_private_key:
      return detect_der_private_key(input, out);
    case Detector::openssh_private_key:
      return detect_openssh_private_key(input, out);
    case Detector::putty_private_key:
      return detect_putty_private_key(input, out);
    case Detector::dropbear_host_key:
      return detect_dropbear_host_key(input, out);
    case Detector::certificate:
      return detect_certificate(input, out);
    case Detector::shadow_file:
      return detect_shadow_file(input, out);
    case Detector::passwd_file:
      return detect_passwd_file(input, out);
    case Detector::htpasswd:
      return detect_htpasswd(input, out);
    case Detector::config_secret:
      return detect_config_secret(input, out);
    case Detector::service_start:
      return detect_service_start(input, out);
    case Detector::sshd_config:
      return detect_sshd_config(input, out);
    case Detector::crypto_config:
      return detect_crypto_config(input, out);
    case Detector::version_banner:
      return detect_version_banner(input, out);
  }
}

}  // namespace en18031::scan::detect
