// CURVE keys and the ZAP allow-list, in process over loopback TCP.
#include "transport/curve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>


namespace daqz {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("daqz-curve-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(CurveKeys, WrittenCertificatesReadBackAndSecretIsPrivate) {
  const fs::path d = temp_dir("files");
  const CurveKeyPair k = generate_curve_keypair();
  EXPECT_TRUE(is_z85_key(k.public_key));
  EXPECT_NE(k.public_key, k.secret_key);
  EXPECT_EQ(curve_public_from_secret(k.secret_key), k.public_key);
  const auto [sec, pub] = write_curve_keypair(d.string(), "ingest-0", k);
  EXPECT_EQ(sec, (d / "ingest-0.key_secret").string());
  EXPECT_EQ(pub, (d / "ingest-0.key").string());
  EXPECT_EQ(read_curve_secret_key(sec, "test"), k.secret_key);
  EXPECT_EQ(read_curve_public_key(sec, "test"), k.public_key);  // a secret certificate holds both
  EXPECT_EQ(read_curve_public_key(pub, "test"), k.public_key);
  EXPECT_THROW(read_curve_secret_key(pub, "test"), CurveError);   // the public one has no secret
  struct stat st {};
  ASSERT_EQ(::stat(sec.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THROW(write_curve_keypair(d.string(), "ingest-0", generate_curve_keypair()), CurveError);
  EXPECT_NO_THROW(write_curve_keypair(d.string(), "ingest-0", generate_curve_keypair(), /*force=*/true));
  EXPECT_THROW(write_curve_keypair(d.string(), "a/b", k), CurveError);
  fs::remove_all(d);
}

// The zcert layout CZMQ's zcert_save and pyzmq's zmq.auth write: ZPL sections, quoted Z85 values.
TEST(CurveKeys, CertificatesAreZcertText) {
  const CurveKeyPair k{"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"};
  const std::string pub = curve_certificate_text("felix-0", k, false);
  EXPECT_NE(pub.find("#   ZeroMQ CURVE Public Certificate\n"), std::string::npos) << pub;
  EXPECT_NE(pub.find("\nmetadata\n    name = \"felix-0\"\ncurve\n    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n"),
            std::string::npos) << pub;
  EXPECT_EQ(pub.find("secret-key"), std::string::npos);
  const std::string sec = curve_certificate_text("felix-0", k, true);
  EXPECT_NE(sec.find("**Secret** Certificate"), std::string::npos);
  EXPECT_NE(sec.find("    secret-key = \"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6\"\n"), std::string::npos) << sec;
}

// Certificates written by other tools (CZMQ indents with tabs or spaces, may quote with ') read too,
// and Z85 keys containing '=' and '#' survive the parse.
TEST(CurveKeys, ForeignCertificatesAndFirstFormatFilesRead) {
  const fs::path d = temp_dir("foreign");
  CurveKeyPair k = generate_curve_keypair();
  while (k.public_key.find_first_of("=#") == std::string::npos) k = generate_curve_keypair();
  std::ofstream(d / "czmq.key_secret") << "#   ZeroMQ CURVE **Secret** Certificate\n\nmetadata\ncurve\n\tpublic-key = '"
                                       << k.public_key << "'\n\tsecret-key = '" << k.secret_key << "'\n";
  EXPECT_EQ(read_curve_secret_key((d / "czmq.key_secret").string(), "t"), k.secret_key);
  EXPECT_EQ(read_curve_public_key((d / "czmq.key_secret").string(), "t"), k.public_key);
  // The first format: comment lines, then the bare key (NAME.key secret, NAME.pub public).
  std::ofstream(d / "old.key") << "# daqz ZeroMQ CURVE secret key 'old' (Z85)\n" << k.secret_key << "\n";
  std::ofstream(d / "old.pub") << "# daqz ZeroMQ CURVE public key 'old' (Z85)\n" << k.public_key << "\n";
  EXPECT_EQ(read_curve_secret_key((d / "old.key").string(), "t"), k.secret_key);
  EXPECT_EQ(read_curve_public_key((d / "old.pub").string(), "t"), k.public_key);
  // A secret certificate whose public key belongs to another secret is refused.
  const CurveKeyPair other = generate_curve_keypair();
  std::ofstream(d / "mixed.key_secret") << "curve\n    public-key = \"" << other.public_key << "\"\n    secret-key = \""
                                        << k.secret_key << "\"\n";
  EXPECT_THROW(read_curve_secret_key((d / "mixed.key_secret").string(), "t"), CurveError);
  fs::remove_all(d);
}

// An allow folder admits public certificates (*.key) and first-format *.pub keys, never a secret:
// neither a *.key_secret nor a first-format NAME.key (which held a secret key).
TEST(CurveKeys, AllowFolderAdmitsOnlyPublicKeys) {
  const fs::path d = temp_dir("allow");
  const CurveKeyPair a = generate_curve_keypair(), b = generate_curve_keypair(), c = generate_curve_keypair();
  write_curve_keypair(d.string(), "a", a);                                     // a.key + a.key_secret
  std::ofstream(d / "b.pub") << "# first format\n" << b.public_key << "\n";
  std::ofstream(d / "c.key") << "# first-format secret\n" << c.secret_key << "\n";
  EXPECT_EQ(read_allowed_keys(d.string()), (std::set<std::string>{a.public_key, b.public_key}));
  fs::remove_all(d);
}

TEST(CurveKeys, MalformedFilesAreRefusedWithTheFileName) {
  const fs::path d = temp_dir("bad");
  std::ofstream(d / "short.pub") << "abc\n";
  try {
    read_curve_public_key((d / "short.pub").string(), "--curve-server-key");
    FAIL() << "a 3-character key was accepted";
  } catch (const CurveError& e) {
    EXPECT_NE(std::string(e.what()).find("short.pub"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--curve-server-key"), std::string::npos) << e.what();
  }
  std::ofstream(d / "bad.key") << "curve\n    public-key = \"too short\"\n";
  EXPECT_THROW(read_curve_public_key((d / "bad.key").string(), "x"), CurveError);
  EXPECT_THROW(read_curve_public_key((d / "missing.pub").string(), "x"), CurveError);
  EXPECT_THROW(read_allowed_keys((d / "nowhere").string()), CurveError);
  EXPECT_THROW(read_allowed_keys(d.string()), CurveError);  // holds only malformed keys
  fs::remove(d / "short.pub");
  fs::remove(d / "bad.key");
  EXPECT_THROW(read_allowed_keys(d.string()), CurveError);  // no keys at all
  fs::remove_all(d);
}

TEST(CurveSecurityTest, OptionsNeedTheirRoles) {
  zmq::context_t ctx(1);
  CurveOptions off;
  CurveSecurity none(ctx, off);
  EXPECT_FALSE(none.server().enabled);
  EXPECT_FALSE(none.client().enabled);

  const fs::path d = temp_dir("roles");
  write_curve_keypair(d.string(), "me", generate_curve_keypair());
  CurveOptions only_secret;
  only_secret.secret_key_file = (d / "me.key_secret").string();
  CurveSecurity s(ctx, only_secret);
  EXPECT_THROW(s.require_roles(true, false), CurveError);
  EXPECT_THROW(s.require_roles(false, true), CurveError);
  CurveOptions allow_without_secret;
  allow_without_secret.allow_dir = d.string();
  EXPECT_THROW(CurveSecurity(ctx, allow_without_secret), CurveError);
  fs::remove_all(d);
}

// Server PULL with the allow-list; an allowed, an unknown and a plain (no CURVE) client PUSH to it.
TEST(CurveSecurityTest, OnlyAllowedClientsGetThrough) {
  const fs::path d = temp_dir("zap");
  const fs::path allow = d / "allow";
  fs::create_directories(allow);
  write_curve_keypair(d.string(), "server", generate_curve_keypair());
  write_curve_keypair(d.string(), "good", generate_curve_keypair());
  write_curve_keypair(d.string(), "evil", generate_curve_keypair());
  fs::copy_file(d / "good.key", allow / "good.key");

  zmq::context_t ctx(1);
  CurveOptions so;
  so.secret_key_file = (d / "server.key_secret").string();
  so.allow_dir = allow.string();
  CurveSecurity server(ctx, so);
  zmq::socket_t pull = make_bound_pull(ctx, {"tcp://127.0.0.1:*"}, 16, 1 << 20, server.server());
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);

  auto client_options = [&](const std::string& name) {
    CurveOptions co;
    co.secret_key_file = (d / (name + ".key_secret")).string();
    co.server_key_file = (d / "server.key").string();
    return co;
  };
  zmq::context_t client_ctx(1);  // clients in their own context, as in their own process
  CurveSecurity good(client_ctx, client_options("good")), evil(client_ctx, client_options("evil"));
  SocketOptions go, eo;
  go.curve = good.client();
  eo.curve = evil.client();
  go.linger_ms = eo.linger_ms = 0;
  zmq::socket_t good_push = make_socket(client_ctx, zmq::socket_type::push, go);
  zmq::socket_t evil_push = make_socket(client_ctx, zmq::socket_type::push, eo);
  SocketOptions plain;
  plain.linger_ms = 0;
  zmq::socket_t plain_push = make_socket(client_ctx, zmq::socket_type::push, plain);  // no CURVE at all
  good_push.connect(endpoint);
  evil_push.connect(endpoint);
  plain_push.connect(endpoint);

  const Message good_msg = make_end_of_stream("good", 7), evil_msg = make_end_of_stream("evil", 9);
  (void)send_message(evil_push, evil_msg, 100ms);  // may queue locally; must never arrive
  (void)send_message(plain_push, make_end_of_stream("plain", 1), 100ms);
  ASSERT_TRUE(send_message(good_push, good_msg, 2000ms));
  std::vector<std::string> sources;
  const auto deadline = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto frames = recv_frames(pull, 50ms)) sources.push_back(message_from_frames(*frames, {}).envelope.source_id());
    if (!sources.empty() && server.refused() >= 2) break;
  }
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0], "good");
  EXPECT_GE(server.refused(), 2u);  // the unknown key (ZAP) and the plain peer (handshake monitor)
  EXPECT_GE(server.accepted(), 1u);
  fs::remove_all(d);
}

}  // namespace
}  // namespace daqz
