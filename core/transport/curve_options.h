// Command-line options for ZeroMQ CURVE security, shared by every daqz service.
//
//   daqz::CurveOptions curve;                 // a field of IngestConfig / SinkConfig / felix-sim's Config
//   daqz::add_curve_options(app, curve);      // --curve-secret-key, --curve-server-key, --curve-allow
//
// CURVE is on when a secret key is given. Roles (docs/security.md): on every link the downstream end
// (ingest for felix-sim, sink for ingest) is the CURVE server and checks the client's public key
// against the files in --curve-allow; the upstream end is the client and needs the server's public
// key (--curve-server-key). Light header: no ZeroMQ, no CLI11 (forward declared).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace daqz {

struct CurveOptions {
  std::string secret_key_file;  // this service's secret key (Z85 text, `daqz keygen`); enables CURVE
  std::string server_key_file;  // public key of the service we connect to (our downstream)
  std::string allow_dir;        // folder of *.pub files: clients (upstream) allowed to connect
  bool enabled() const { return !secret_key_file.empty(); }
};

// Adds the three --curve-* options to `app`, bound to `options`.
void add_curve_options(CLI::App& app, CurveOptions& options);

}  // namespace daqz
