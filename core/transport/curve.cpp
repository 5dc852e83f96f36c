#include "transport/curve.h"

#include <CLI/CLI.hpp>
#include <prometheus/counter.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <zmq.h>
#include <zmq_addon.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>


namespace daqz {

namespace fs = std::filesystem;

void add_curve_options(CLI::App& app, CurveOptions& o) {
  app.add_option("--curve-secret-key", o.secret_key_file,
                 "ZeroMQ CURVE: this service's secret certificate (NAME.key_secret from daqz keygen, CZMQ or "
                 "pyzmq); enables encryption and authentication on every socket");
  app.add_option("--curve-server-key", o.server_key_file,
                 "ZeroMQ CURVE: public certificate (NAME.key) of the service this one sends to (its downstream)");
  app.add_option("--curve-allow", o.allow_dir,
                 "ZeroMQ CURVE: folder of public certificates (*.key; *.pub of the first format) of the peers "
                 "allowed to send to this service");
}

namespace {

std::string z85_of_binary(const std::string& raw) {
  char out[41];
  if (raw.size() != 32 || !zmq_z85_encode(out, reinterpret_cast<const uint8_t*>(raw.data()), 32)) return "?";
  return out;
}

}  // namespace

// ---- ZAP handler ---------------------------------------------------------------------------------
// RFC 27 (ZAP): requests are [version, request_id, domain, address, identity, mechanism, credentials...]
// on a REP socket bound at inproc://zeromq.zap.01; replies [version, request_id, status, text, user, meta].
struct CurveSecurity::Zap {
  zmq::context_t& ctx;
  std::string dir;
  std::set<std::string> allowed;  // last good read of dir
  zmq::socket_t rep;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> refused{0}, accepted{0};
  std::atomic<prometheus::Counter*> counter{nullptr};
  std::set<std::string> logged;  // keys already reported (a refused client retries every 100 ms)
  // Server sockets' monitors: a peer without CURVE (or with a wrong server key) fails the handshake
  // before ZAP is asked; the socket monitor reports it. Endpoints arrive from socket threads.
  std::mutex monitor_mutex;
  std::vector<std::string> new_monitors;
  std::vector<zmq::socket_t> monitors;  // ZAP thread only
  std::atomic<int> monitor_count{0};

  Zap(zmq::context_t& c, std::string d) : ctx(c), dir(std::move(d)), allowed(read_allowed_keys(dir)) {
    rep = zmq::socket_t(ctx, zmq::socket_type::rep);
    rep.set(zmq::sockopt::linger, 0);
    try {
      rep.bind("inproc://zeromq.zap.01");
    } catch (const zmq::error_t& e) {
      throw CurveError(std::string("cannot start the ZAP handler (one per context): ") + e.what());
    }
    thread = std::thread([this] { loop(); });
  }
  ~Zap() {
    stop = true;
    if (thread.joinable()) thread.join();
  }

  bool is_allowed(const std::string& key) {
    try {
      allowed = read_allowed_keys(dir);  // picks up added/removed keys; keeps the last good set on error
    } catch (const std::exception& e) {
      spdlog::warn("CURVE: re-reading allowed keys failed ({}); using the previous {} key(s)", e.what(),
                   allowed.size());
    }
    return allowed.count(key) > 0;
  }

  // Called from the thread that created `s` (make_socket), before the socket is used.
  void watch(zmq::socket_t& s) {
    const std::string ep = "inproc://daqz-curve-monitor-" + std::to_string(monitor_count++);
    if (zmq_socket_monitor(s.handle(), ep.c_str(),
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0) {
      spdlog::warn("CURVE: cannot monitor a server socket ({}); failed handshakes go uncounted",
                   zmq_strerror(zmq_errno()));
      return;
    }
    std::lock_guard<std::mutex> lock(monitor_mutex);
    new_monitors.push_back(ep);
  }

  void refuse(const std::string& log_key, const std::string& text) {
    ++refused;
    if (auto* c = counter.load()) c->Increment();
    if (logged.size() > 1000) logged.clear();  // bounded memory under a flood of distinct peers
    if (logged.insert(log_key).second) spdlog::warn("CURVE: refused {}", text);
  }

  void take_new_monitors() {
    std::lock_guard<std::mutex> lock(monitor_mutex);
    for (const auto& ep : new_monitors) {
      zmq::socket_t pair(ctx, zmq::socket_type::pair);
      pair.set(zmq::sockopt::linger, 0);
      pair.connect(ep);
      monitors.push_back(std::move(pair));
    }
    new_monitors.clear();
  }

  void read_monitor(zmq::socket_t& m) {
    std::vector<zmq::message_t> ev;
    if (!zmq::recv_multipart(m, std::back_inserter(ev), zmq::recv_flags::dontwait) || ev.size() < 2 ||
        ev[0].size() < 6)
      return;
    uint16_t event = 0;
    uint32_t value = 0;
    std::memcpy(&event, ev[0].data(), 2);
    std::memcpy(&value, static_cast<const char*>(ev[0].data()) + 2, 4);
    char code[16];
    std::snprintf(code, sizeof code, "0x%08x", value);
    const std::string why = value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
                                ? "a peer without CURVE (mechanism mismatch)"
                                : std::string("a failed handshake (peer without CURVE, wrong server key or not ZMTP; "
                                              "event ") + std::to_string(event) + ", code " + code + ")";
    refuse("handshake:" + why, why + " on " + ev[1].to_string());
  }

  void loop() {
    while (!stop) {
      take_new_monitors();
      std::vector<zmq::pollitem_t> items{{rep.handle(), 0, ZMQ_POLLIN, 0}};
      for (auto& m : monitors) items.push_back({m.handle(), 0, ZMQ_POLLIN, 0});
      if (zmq::poll(items.data(), items.size(), std::chrono::milliseconds(100)) <= 0) continue;
      for (size_t i = 1; i < items.size(); ++i)
        if (items[i].revents & ZMQ_POLLIN) read_monitor(monitors[i - 1]);
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> req;
      if (!zmq::recv_multipart(rep, std::back_inserter(req), zmq::recv_flags::dontwait)) continue;
      if (req.size() < 6) spdlog::error("CURVE: malformed ZAP request ({} frames); refusing", req.size());
      req.resize(std::max<size_t>(req.size(), 6));  // a REP socket must answer every request
      const std::string mechanism = req[5].to_string(), address = req[3].to_string();
      std::string key = mechanism == "CURVE" && req.size() >= 7 ? z85_of_binary(req[6].to_string()) : "";
      const bool ok = !key.empty() && is_allowed(key);
      if (ok) {
        ++accepted;
        spdlog::debug("CURVE: accepted client {} from {}", key, address);
      } else {
        refuse(key + address, mechanism + " client " + (key.empty() ? "-" : key) + " from " + address +
                                  " (key not in '" + dir + "')");
      }
      std::vector<zmq::message_t> reply;
      reply.emplace_back(std::string("1.0"));
      reply.emplace_back(req[1].data(), req[1].size());
      reply.emplace_back(std::string(ok ? "200" : "400"));
      reply.emplace_back(std::string(ok ? "OK" : "unknown public key"));
      reply.emplace_back(ok ? key : std::string());  // user id: the client's public key
      reply.emplace_back();
      (void)zmq::send_multipart(rep, reply);
    }
    rep.close();
    monitors.clear();
  }
};

CurveSecurity::CurveSecurity(zmq::context_t& ctx, const CurveOptions& options) : options_(options) {
  if (!options_.enabled()) {
    if (!options_.server_key_file.empty() || !options_.allow_dir.empty())
      throw CurveError("--curve-server-key and --curve-allow need --curve-secret-key (this service's own key)");
    return;
  }
  keys_.secret_key = read_curve_secret_key(options_.secret_key_file, "--curve-secret-key");
  keys_.public_key = curve_public_from_secret(keys_.secret_key);
  struct stat st {};
  if (::stat(options_.secret_key_file.c_str(), &st) == 0 && (st.st_mode & 077))
    spdlog::warn("CURVE: secret key file '{}' is readable by group/others (chmod 600 it)", options_.secret_key_file);
  if (!options_.server_key_file.empty())
    server_key_ = read_curve_public_key(options_.server_key_file, "--curve-server-key");
  if (!options_.allow_dir.empty()) zap_ = std::make_unique<Zap>(ctx, options_.allow_dir);
  spdlog::info("CURVE on: public key {}{}{}", keys_.public_key,
               zap_ ? ", " + std::to_string(zap_->allowed.size()) + " allowed client key(s)" : "",
               server_key_.empty() ? "" : ", server key " + server_key_);
}

CurveSecurity::~CurveSecurity() = default;

CurveConfig CurveSecurity::server() const {
  CurveConfig c;
  if (!enabled()) return c;
  if (!zap_)
    throw CurveError("CURVE is on (--curve-secret-key) but --curve-allow is missing: this service accepts "
                     "connections and must know which client keys to admit");
  c.enabled = true;
  c.server = true;
  c.public_key = keys_.public_key;
  c.secret_key = keys_.secret_key;
  Zap* zap = zap_.get();
  c.on_socket = [zap](zmq::socket_t& s) { zap->watch(s); };
  return c;
}

CurveConfig CurveSecurity::client() const {
  CurveConfig c;
  if (!enabled()) return c;
  if (server_key_.empty())
    throw CurveError("CURVE is on (--curve-secret-key) but --curve-server-key is missing: this service "
                     "connects to another and must know its public key");
  c.enabled = true;
  c.public_key = keys_.public_key;
  c.secret_key = keys_.secret_key;
  c.server_public_key = server_key_;
  return c;
}

void CurveSecurity::require_roles(bool server_role, bool client_role) const {
  if (server_role) (void)server();
  if (client_role) (void)client();
}

void CurveSecurity::count_failures(prometheus::Counter& counter) {
  if (zap_) zap_->counter = &counter;
}

uint64_t CurveSecurity::refused() const { return zap_ ? zap_->refused.load() : 0; }
uint64_t CurveSecurity::accepted() const { return zap_ ? zap_->accepted.load() : 0; }

}  // namespace daqz
