// CURVE key pairs and key files (declared in transport/curve.h).
//
// The zcert format (CZMQ's zcert_save, pyzmq's zmq.auth) is a ZPL text file:
//   #   ****  Generated on 2024-06-01 10:00:00 by daqz keygen  ****
//   #   ZeroMQ CURVE **Secret** Certificate
//   ...
//   metadata
//       name = "ingest-0"
//   curve
//       public-key = "<40 Z85 characters>"
//       secret-key = "<40 Z85 characters>"        (secret certificate only)
// Z85 includes '=' and '#', so a value is everything after the first '=' of its line, unquoted.
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <zmq.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "transport/curve.h"

namespace daqz {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// What a key file holds: the zcert entries it has, or the key lines of the first format.
struct KeyFile {
  std::map<std::string, std::string> zcert;  // "public-key", "secret-key" when present
  std::vector<std::string> plain_lines;      // first format: non-comment lines
};

KeyFile parse_key_file(const std::string& path, const std::string& what) {
  std::ifstream f(path);
  if (!f) throw CurveError(what + ": cannot read key file '" + path + "'");
  KeyFile k;
  bool zpl = false;  // a ZPL section name ("metadata", "curve") seen
  for (std::string line; std::getline(f, line);) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t == "metadata" || t == "curve") {
      zpl = true;
      continue;
    }
    const auto eq = t.find('=');
    const std::string name = eq == std::string::npos ? "" : trim(t.substr(0, eq));
    if (name == "public-key" || name == "secret-key") {
      std::string value = trim(t.substr(eq + 1));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      k.zcert[name] = value;
    } else if (!zpl) {
      k.plain_lines.push_back(t);
    }
  }
  return k;
}

std::string checked(const std::string& key, const std::string& path, const std::string& what,
                    const std::string& entry) {
  if (!is_z85_key(key))
    throw CurveError(what + ": '" + path + "': " + entry + " is not a 40-character Z85 CURVE key");
  return key;
}

// The single key of a first-format file.
std::string plain_key(const KeyFile& k, const std::string& path, const std::string& what) {
  if (k.plain_lines.size() > 1) throw CurveError(what + ": '" + path + "' holds more than one key line");
  if (k.plain_lines.empty() || !is_z85_key(k.plain_lines[0]))
    throw CurveError(what + ": '" + path + "' is neither a ZeroMQ certificate (zcert) nor a 40-character Z85 "
                     "CURVE key (daqz keygen writes certificates)");
  return k.plain_lines[0];
}

// The ZAP handler re-reads the allow folder at every handshake: say each misplaced secret once.
void warn_once(const std::string& path, const std::string& text) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard<std::mutex> lock(mutex);
  if (warned.insert(path).second) spdlog::warn("--curve-allow: '{}' {} (ignored)", path, text);
}

void write_text(const fs::path& path, const std::string& text, mode_t mode) {
  // Create with the final mode so the secret is never readable by others, even briefly.
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw CurveError("cannot write key file '" + tmp.string() + "'");
    ::chmod(tmp.c_str(), mode);
    f << text;
    if (!f.flush()) throw CurveError("cannot write key file '" + tmp.string() + "'");
  }
  if (::chmod(tmp.c_str(), mode) != 0) throw CurveError("cannot set mode of '" + tmp.string() + "'");
  fs::rename(tmp, path);
}

}  // namespace

bool is_z85_key(const std::string& key) {
  if (key.size() != 40) return false;
  uint8_t raw[32];
  return zmq_z85_decode(raw, key.c_str()) != nullptr;
}

CurveKeyPair generate_curve_keypair() {
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0)
    throw CurveError(std::string("zmq_curve_keypair failed (libzmq without CURVE support?): ") +
                     zmq_strerror(zmq_errno()));
  return {pub, sec};
}

std::string curve_public_from_secret(const std::string& secret_z85) {
  if (!is_z85_key(secret_z85)) throw CurveError("CURVE secret key is not a 40-character Z85 key");
  char pub[41];
  if (zmq_curve_public(pub, secret_z85.c_str()) != 0)
    throw CurveError(std::string("zmq_curve_public failed: ") + zmq_strerror(zmq_errno()));
  return pub;
}

std::string curve_certificate_text(const std::string& name, const CurveKeyPair& keys, bool secret) {
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  std::ostringstream out;
  out << "#   ****  Generated on " << when << " by daqz keygen  ****\n";
  if (secret) {
    out << "#   ZeroMQ CURVE **Secret** Certificate\n"
        << "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n";
  } else {
    out << "#   ZeroMQ CURVE Public Certificate\n"
        << "#   Exchange securely, or use a secure mechanism to verify the contents\n"
        << "#   of this file after exchange. Store public certificates in your home\n"
        << "#   directory, in the .curve subdirectory.\n\n";
  }
  out << "metadata\n    name = \"" << name << "\"\ncurve\n    public-key = \"" << keys.public_key << "\"\n";
  if (secret) out << "    secret-key = \"" << keys.secret_key << "\"\n";
  return out.str();
}

std::pair<std::string, std::string> write_curve_keypair(const std::string& dir, const std::string& name,
                                                        const CurveKeyPair& keys, bool force) {
  if (name.empty() || name.find('/') != std::string::npos || name.find('"') != std::string::npos)
    throw CurveError("key name '" + name + "' must be a plain file name (no '/' or '\"')");
  fs::create_directories(dir);
  const fs::path sec = fs::path(dir) / (name + ".key_secret"), pub = fs::path(dir) / (name + ".key");
  if (!force && (fs::exists(sec) || fs::exists(pub)))
    throw CurveError("'" + sec.string() + "' or '" + pub.string() + "' exists; refusing to overwrite (use --force)");
  write_text(sec, curve_certificate_text(name, keys, true), 0600);
  write_text(pub, curve_certificate_text(name, keys, false), 0644);
  return {sec.string(), pub.string()};
}

std::string read_curve_secret_key(const std::string& path, const std::string& what) {
  const KeyFile k = parse_key_file(path, what);
  if (k.zcert.empty()) return plain_key(k, path, what);
  const auto it = k.zcert.find("secret-key");
  if (it == k.zcert.end())
    throw CurveError(what + ": '" + path + "' is a public certificate; give the secret one (NAME.key_secret)");
  const std::string secret = checked(it->second, path, what, "secret-key");
  const auto pub = k.zcert.find("public-key");
  if (pub != k.zcert.end() && pub->second != curve_public_from_secret(secret))
    throw CurveError(what + ": '" + path + "': public-key does not belong to secret-key");
  return secret;
}

std::string read_curve_public_key(const std::string& path, const std::string& what) {
  const KeyFile k = parse_key_file(path, what);
  if (k.zcert.empty()) return plain_key(k, path, what);
  const auto it = k.zcert.find("public-key");
  if (it == k.zcert.end()) throw CurveError(what + ": '" + path + "' has no public-key entry");
  return checked(it->second, path, what, "public-key");
}

std::set<std::string> read_allowed_keys(const std::string& dir) {
  if (!fs::is_directory(dir)) throw CurveError("--curve-allow: '" + dir + "' is not a folder");
  std::set<std::string> keys;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string(), path = e.path().string();
    if (ext == ".key_secret") {
      warn_once(path, "is a secret certificate; it does not belong in an allow folder");
    } else if (ext == ".pub") {
      keys.insert(read_curve_public_key(path, "--curve-allow"));
    } else if (ext == ".key") {
      const KeyFile k = parse_key_file(path, "--curve-allow");
      if (k.zcert.count("secret-key") || k.zcert.empty()) {
        // A first-format NAME.key held a secret key: admitting it would be wrong, reading it a leak.
        warn_once(path, "holds a secret key, not a public certificate");
        continue;
      }
      keys.insert(read_curve_public_key(path, "--curve-allow"));
    }
  }
  if (keys.empty())
    throw CurveError("--curve-allow: '" + dir + "' holds no public certificates (*.key) or public keys (*.pub)");
  return keys;
}

}  // namespace daqz
