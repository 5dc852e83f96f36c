// `daqz keygen`: a ZeroMQ CURVE key pair for one service, as ZeroMQ certificates in the zcert format
// that CZMQ and pyzmq (zmq.auth.load_certificate) read: DIR/NAME.key_secret (secret, mode 0600) and
// DIR/NAME.key (public). See docs/security.md for which file goes where.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "transport/curve.h"

namespace {

struct KeygenArgs {
  std::string out = ".";
  std::string name;
  bool force = false;
  bool json = false;
};

int run_keygen(const KeygenArgs& a) {
  try {
    const auto keys = daqz::generate_curve_keypair();
    const auto [secret_path, public_path] = daqz::write_curve_keypair(a.out, a.name, keys, a.force);
    if (a.json)
      std::cout << nlohmann::json{{"secret_key_file", secret_path}, {"public_key_file", public_path},
                                  {"public_key", keys.public_key}}.dump()
                << std::endl;
    else
      spdlog::info("wrote '{}' (secret, mode 0600) and '{}' (public key {})", secret_path, public_path,
                   keys.public_key);
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("keygen: {}", e.what());
    return 1;
  }
}

void setup_keygen(CLI::App& sub, int& exit_code) {
  auto a = std::make_shared<KeygenArgs>();
  sub.add_option("--out", a->out, "Folder for the key files (created if missing)")->capture_default_str();
  sub.add_option("--name", a->name, "Key name: writes NAME.key_secret and NAME.key (e.g. ingest-0)")->required();
  sub.add_flag("--force", a->force, "Overwrite existing key files");
  sub.add_flag("--json", a->json, "Print the file names and public key as JSON");
  sub.callback([a, &exit_code] { exit_code = run_keygen(*a); });
}

}  // namespace

DAQZ_COMMAND(keygen, "Generate a ZeroMQ CURVE certificate pair (NAME.key_secret secret, NAME.key public; zcert format)",
             setup_keygen);
