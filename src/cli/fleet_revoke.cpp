// en18031 fleet revoke SERIAL... --registry FILE [--registry-key-file F] [--reason NAME]: marks devices
// revoked in the registry with an RFC 5280 reason. Revoked devices leave every export except the CRL;
// `en18031 export crl` publishes them. Every serial is checked before any is revoked, so a typo revokes
// nothing.
#include <chrono>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/factory_common.hpp"
#include "core/diagnostic.hpp"
#include "factory/crl.hpp"
#include "factory/exports.hpp"

namespace en18031::cli {
namespace {

struct RevokeOptions {
  RegistrySource registry;
  std::vector<std::string> serials;
  std::string reason = "unspecified";
};

int run_fleet_revoke(Context& ctx, const RevokeOptions& options) {
  const auto reason = factory::parse_revocation_reason(options.reason);
  if (!reason) {
    return report(
        ctx, Error::message(fmt::format("unknown revocation reason \"{}\" ({})", printable(options.reason),
                                        factory::revocation_reason_names())));
  }
  auto opened = open_keyed_registry(ctx, options.registry, factory::RegistryAccess::read_write);
  if (!opened) {
    return report(ctx, opened.error());
  }
  std::vector<factory::DeviceRecord> devices;
  for (const auto& serial : options.serials) {
    auto found = opened->registry->find(serial);
    if (!found) {
      return report(ctx, found.error());
    }
    if (!*found) {
      return report(ctx, Error::message(fmt::format("registry {} has no device {}; nothing was revoked",
                                                    opened->registry->name(), printable(serial))));
    }
    devices.push_back(std::move(**found));
  }
  const std::string now = factory::rfc3339_utc(ctx.now());
  bool any_certificate = false;
  for (const auto& device : devices) {
    const std::string serial = printable(device.serial);
    if (device.status == "revoked") {
      ctx.out << fmt::format("{} was already revoked on {} ({})\n", serial, device.revoked_at,
                             device.revocation_reason);
      continue;
    }
    if (auto done = opened->registry->revoke(device.serial, factory::to_string(*reason), now); !done) {
      return report(ctx, done.error());
    }
    any_certificate = any_certificate || device.has_certificate();
    ctx.out << fmt::format("revoked {} ({}){}\n", serial, factory::to_string(*reason),
                           device.has_certificate() ? "" : "; it has no certificate, so no CRL lists it");
  }
  if (any_certificate)
    ctx.out << "publish a new CRL: en18031 export crl --registry ... --ca-cert ... --ca-key ... -o crl.pem\n";
  return exit_ok;
}

}  // namespace

void register_fleet_revoke(CLI::App& fleet, Context& ctx) {
  auto options = std::make_shared<RevokeOptions>();
  CLI::App* command = fleet.add_subcommand(
      "revoke", "Revoke devices: they leave every export and enter the CRL (en18031 export crl)");
  command->add_option("serials", options->serials, "Serials of the devices to revoke")->required();
  add_registry_options(*command, options->registry);
  command->add_option("--reason", options->reason,
                      "RFC 5280 reason: " + factory::revocation_reason_names() + " (default unspecified)");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_fleet_revoke(ctx, *options); }; });
}

}  // namespace en18031::cli
