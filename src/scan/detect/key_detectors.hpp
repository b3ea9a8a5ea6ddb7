// The detector functions, one per Detector value; run() in detectors.cpp dispatches to them.
#pragma once

#include "scan/detect/detectors.hpp"

namespace en18031::scan::detect {

void detect_pem_private_key(const Input& input, Output& out);
void detect_der_private_key(const Input& input, Output& out);
void detect_openssh_private_key(const Input& input, Output& out);
void detect_putty_private_key(const Input& input, Output& out);
void detect_dropbear_host_key(const Input& input, Output& out);
void detect_certificate(const Input& input, Output& out);
void detect_shadow_file(const Input& input, Output& out);
void detect_passwd_file(const Input& input, Output& out);
void detect_htpasswd(const Input& input, Output& out);
void detect_config_secret(const Input& input, Output& out);
void detect_service_start(const Input& input, Output& out);
void detect_sshd_config(const Input& input, Output& out);
void detect_crypto_config(const Input& input, Output& out);
void detect_version_banner(const Input& input, Output& out);

}  // namespace en18031::scan::detect
