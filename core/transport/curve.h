// ZeroMQ CURVE security: key pairs (generation, Z85 key files), and CurveSecurity, which turns
// CurveOptions into per-socket CurveConfig and runs the ZAP handler that admits only known clients.
//
//   zmq::context_t ctx{1};
//   CurveSecurity curve(ctx, options);                 // loads keys, starts the ZAP thread if needed
//   curve.count_failures(auth_failures_counter);
//   SocketOptions o;  o.curve = curve.server();         // downstream end of a link (checks clients)
//   SocketOptions p;  p.curve = curve.client();         // upstream end (authenticates the server)
//
// Key files are text: optional '#' comment lines, then one 40-character Z85 key. A secret key file
// (NAME.key, mode 0600) holds only the secret key; the public key is derived from it.
// The ZAP handler (inproc://zeromq.zap.01, one per context) re-reads the allowed folder on every
// handshake, so adding or removing a *.pub file takes effect for the next connection.
// Throws CurveError naming the file or option for unreadable, malformed or missing keys.
// Thread-safety: construct and destroy from one thread; server()/client() are const and safe;
// CurveSecurity must be destroyed before its context (declare it after the context).
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "transport/curve_options.h"
#include "transport/zmq_io.h"

namespace prometheus {
class Counter;
}

namespace daqz {

struct CurveError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters
};

CurveKeyPair generate_curve_keypair();
// The public key of a Z85 secret key (throws CurveError if it is not a valid key).
std::string curve_public_from_secret(const std::string& secret_z85);
// True for a 40-character string that decodes as Z85.
bool is_z85_key(const std::string& key);

// Writes DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub; refuses to overwrite unless `force`.
// Returns the two paths (secret first).
std::pair<std::string, std::string> write_curve_keypair(const std::string& dir, const std::string& name,
                                                        const CurveKeyPair& keys, bool force = false);
// Reads one Z85 key from a key file (`what` names it in errors, e.g. "--curve-server-key").
std::string read_curve_key_file(const std::string& path, const std::string& what);
// Every *.pub key in `dir` (Z85). Throws CurveError for a missing folder, a malformed file or no keys.
std::set<std::string> read_allowed_keys(const std::string& dir);

class CurveSecurity {
 public:
  CurveSecurity(zmq::context_t& ctx, const CurveOptions& options);
  ~CurveSecurity();
  CurveSecurity(const CurveSecurity&) = delete;
  CurveSecurity& operator=(const CurveSecurity&) = delete;

  bool enabled() const { return options_.enabled(); }
  const std::string& public_key() const { return keys_.public_key; }
  // Socket settings for the CURVE server role (requires --curve-allow) and the client role
  // (requires --curve-server-key). Disabled configs when CURVE is off.
  CurveConfig server() const;
  CurveConfig client() const;

  // Throws CurveError at start-up (not later, in a socket thread) if a role the service uses lacks
  // its option: the server role needs --curve-allow, the client role --curve-server-key.
  void require_roles(bool server, bool client) const;

  // Also counts refused handshakes in `counter` (the node registers daqz_<node>_auth_failures_total
  // with kAuthFailuresHelp); the counter must outlive this object.
  static constexpr const char* kAuthFailuresHelp =
      "Connections refused by CURVE: unknown client key, peer without CURVE, failed handshake";
  void count_failures(prometheus::Counter& counter);
  uint64_t refused() const;
  uint64_t accepted() const;

 private:
  struct Zap;
  CurveOptions options_;
  CurveKeyPair keys_;
  std::string server_key_;
  std::unique_ptr<Zap> zap_;
};

}  // namespace daqz
