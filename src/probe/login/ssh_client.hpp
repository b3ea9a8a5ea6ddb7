// SSH password authentication for the login probe, through libssh. Keeps one connection open across
// attempts, as a guesser would, so a server's limit of attempts per connection (OpenSSH's MaxAuthTries,
// dropbear's) shows: when the server closes the connection, the password is tried again on a new one and the
// attempt is marked. The host key is not checked: the probe sends only generated wrong passwords and, with
// --password-file, the owner's, to an address the user names.
#pragma once

#include <memory>

#include "probe/login/login.hpp"

namespace en18031::probe::login {

// The reference attempt is the "none" method as `options.user`.
std::unique_ptr<LoginClient> make_ssh_login_client(const LoginOptions& options);

}  // namespace en18031::probe::login
