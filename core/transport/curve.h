// ZeroMQ CURVE security: key pairs (generation, Z85 key files), and CurveSecurity, which turns
// CurveOptions into per-socket CurveConfig and runs the ZAP handler that admits only known clients.
//
//   zmq::context_t ctx{1};
//   CurveSecurity curve(ctx, options);                 // loads keys, starts the ZAP thread if needed
//   curve.count_failures(auth_failures_counter);
//   SocketOptions o;  o.curve = curve.server();         // downstream end of a link (checks clients)
//   SocketOptions p;  p.curve = curve.client();         // upstream end (authenticates the server)
//
// Key files are ZeroMQ certificates in the zcert format that CZMQ and pyzmq read and write
// (zcert_save, zmq.auth.create_certificates / load_certificate): `daqz keygen` writes NAME.key (the
// public certificate: "curve" section, public-key = "<Z85>") and NAME.key_secret (mode 0600, also
// secret-key = "<Z85>"). Files of the first format — '#' comment lines, then one 40-character Z85
// key; NAME.key secret, NAME.pub public — are still read everywhere.
// The ZAP handler (inproc://zeromq.zap.01, one per context) re-reads the allowed folder on every
// handshake, so adding or removing a key file takes effect for the next connection.
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

// Writes the zcert pair DIR/NAME.key_secret (mode 0600) and DIR/NAME.key; refuses to overwrite
// unless `force`. Returns the two paths (secret first).
std::pair<std::string, std::string> write_curve_keypair(const std::string& dir, const std::string& name,
                                                        const CurveKeyPair& keys, bool force = false);
// The zcert text of a public (secret == false) or secret certificate.
std::string curve_certificate_text(const std::string& name, const CurveKeyPair& keys, bool secret);

// Reads the secret key of a secret certificate (zcert) or of a first-format secret key file, and
// the public key of a certificate (public or secret) or of a first-format key file. `what` names
// the file in errors (e.g. "--curve-server-key"). Throws CurveError.
std::string read_curve_secret_key(const std::string& path, const std::string& what);
std::string read_curve_public_key(const std::string& path, const std::string& what);
// The public keys allowed in `dir`: public certificates *.key (as zmq.auth.load_certificates reads
// a folder) and first-format *.pub files. A *.key without a public-key entry (a first-format secret
// key) and *.key_secret files are secrets: skipped with a warning, never admitted. Throws
// CurveError for a missing folder, a malformed file or no keys.
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
