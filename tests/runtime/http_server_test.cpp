// HttpServer from the outside: correct answers, and no client (silent, slow, never reading,
// oversized) can keep others from being answered.
#include "runtime/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "runtime/raw_http_client.h"

namespace daqz {
namespace {

using http_test::http_request;
using http_test::RawClient;
using http_test::RawResponse;

HttpServerOptions local_options() {
  HttpServerOptions o;
  o.bind_address = "127.0.0.1:0";
  return o;
}

HttpServer::Routes hello_routes() {
  HttpServer::Routes r;
  r["/hello"] = [] { return HttpResponse{200, "text/plain", "hello\n"}; };
  r["/throws"] = []() -> HttpResponse { throw std::runtime_error("handler bug"); };
  return r;
}

// Waits (bounded) until `pred` holds; the server acts on its own threads.
template <class Pred>
bool eventually(Pred pred, double timeout_s = 5) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(HttpServer, AnswersGetHeadAndErrors) {
  HttpServer server(local_options(), hello_routes());
  const int port = server.port();
  ASSERT_GT(port, 0);

  RawResponse get = http_request(port, "GET", "/hello");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello\n");
  EXPECT_EQ(get.header("Content-Type"), "text/plain");

  RawResponse query = http_request(port, "GET", "/hello?x=1");
  EXPECT_EQ(query.status, 200) << "the query string is not part of the path";

  RawClient head_client(port);
  ASSERT_TRUE(head_client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  RawResponse head = head_client.read_response(2.0, /*expect_body=*/false);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "6") << "HEAD reports the GET's length";
  EXPECT_TRUE(head_client.wait_closed(2.0));
  EXPECT_EQ(head_client.extra(), "") << "HEAD sends no body";

  RawResponse post = http_request(port, "POST", "/hello");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
  EXPECT_EQ(http_request(port, "DELETE", "/hello").status, 405);

  RawResponse missing = http_request(port, "GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/hello"), std::string::npos) << "404 lists the paths: " << missing.body;

  EXPECT_EQ(http_request(port, "GET", "/throws").status, 500);
  EXPECT_EQ(http_request(port, "GET", "/hello").status, 200) << "a throwing handler leaves the server up";
  EXPECT_GE(server.stats().requests, 7u);
}

TEST(HttpServer, HttpTenAndKeepAlive) {
  HttpServer server(local_options(), hello_routes());
  RawClient c(server.port());
  for (int i = 0; i < 3; ++i) {  // HTTP/1.1 keeps the connection open between requests
    ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    RawResponse r = c.read_response(2.0);
    ASSERT_EQ(r.status, 200) << "request " << i << " on one connection";
    EXPECT_EQ(r.body, "hello\n");
  }
  EXPECT_EQ(server.stats().accepted, 1u);

  RawClient old(server.port());  // HTTP/1.0 (testing/http_client.h's http_get): answer, then close
  ASSERT_TRUE(old.send("GET /hello HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(old.read_response(2.0).status, 200);
  EXPECT_TRUE(old.wait_closed(2.0));
}

// The failure of the old exposer: one client that connects and sends nothing blocked everyone.
TEST(HttpServer, SilentClientsDoNotBlockConcurrentScrapes) {
  HttpServerOptions o = local_options();
  o.io_threads = 1;  // the hardest case: one thread for everything
  HttpServer server(o, hello_routes());
  std::vector<RawClient> stuck;
  for (int i = 0; i < 20; ++i) stuck.emplace_back(server.port());  // connect, send nothing
  ASSERT_TRUE(eventually([&] { return server.stats().active == 20; }));

  std::atomic<int> ok{0};
  std::atomic<int> slow{0};
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        const RawResponse r = http_request(server.port(), "GET", "/hello", 1.0);
        if (r.status == 200) ++ok;
        if (r.seconds > 0.5) ++slow;
      }
    });
  }
  for (auto& t : scrapers) t.join();
  EXPECT_EQ(ok, 40) << "every scrape answered while 20 clients hold silent connections";
  EXPECT_EQ(slow, 0) << "scrapes answered well within the deadline";
}

TEST(HttpServer, AtTheCapTheLongestWaitingConnectionMakesRoom) {
  HttpServerOptions o = local_options();
  o.max_connections = 4;
  HttpServer server(o, hello_routes());
  std::vector<RawClient> stuck;
  for (int i = 0; i < 8; ++i) stuck.emplace_back(server.port());  // twice the cap, all silent
  for (int i = 0; i < 5; ++i) {
    const RawResponse r = http_request(server.port(), "GET", "/hello", 1.0);
    EXPECT_EQ(r.status, 200) << "scrape " << i << " with the cap filled by silent clients";
  }
  EXPECT_TRUE(stuck.front().wait_closed(2.0)) << "the oldest silent connection was closed";
  const HttpServer::Stats s = server.stats();
  EXPECT_GE(s.evicted, 5u) << "four to admit the silent ones beyond the cap, one for the first scrape";
  EXPECT_EQ(s.refused, 0u);
  EXPECT_LE(s.active, 5u) << "the cap holds (plus one connection being closed)";
}

TEST(HttpServer, SlowLorisAndSilentClientsAreCutByTheReadDeadline) {
  HttpServerOptions o = local_options();
  o.read_timeout_s = 0.5;
  HttpServer server(o, hello_routes());
  RawClient silent(server.port());
  RawClient loris(server.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(loris.send("GET /hello HTTP/1.1\r\n"));
  // Drip a header byte every 50 ms: each arrives in time, the whole request never does.
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cut = !loris.send("X");
  }
  EXPECT_TRUE(cut || loris.wait_closed(0.1)) << "the dripping client was not cut";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.5) << "cut at the 0.5 s deadline of the whole request";
  EXPECT_TRUE(silent.wait_closed(1.0)) << "the silent client was cut too";
  EXPECT_TRUE(eventually([&] { return server.stats().timed_out == 2; })) << server.stats().timed_out;
  EXPECT_EQ(http_request(server.port(), "GET", "/hello").status, 200);
}

TEST(HttpServer, KeptAliveConnectionIdlesAtMostTheReadDeadline) {
  HttpServerOptions o = local_options();
  o.read_timeout_s = 0.3;
  HttpServer server(o, hello_routes());
  RawClient c(server.port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(c.read_response(2.0).status, 200);
  EXPECT_TRUE(c.wait_closed(1.5));
}

TEST(HttpServer, ClientThatNeverReadsIsCutByTheWriteDeadline) {
  HttpServerOptions o = local_options();
  o.write_timeout_s = 0.5;
  HttpServer::Routes routes = hello_routes();
  const std::string big(64 << 20, 'x');  // far more than the socket buffers hold
  routes["/big"] = [&big] { return HttpResponse{200, "text/plain", big}; };
  HttpServer server(o, routes);
  RawClient reader_that_never_reads(server.port());
  reader_that_never_reads.set_small_receive_buffer();
  ASSERT_TRUE(reader_that_never_reads.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(http_request(server.port(), "GET", "/hello").status, 200) << "others are answered meanwhile";
  EXPECT_TRUE(eventually([&] { return server.stats().timed_out == 1; }, 5)) << "write deadline not enforced";
}

TEST(HttpServer, OversizeAndMalformedRequestsAreRejected) {
  HttpServerOptions o = local_options();
  o.max_request_bytes = 1024;
  HttpServer server(o, hello_routes());

  RawClient big(server.port());
  ASSERT_TRUE(big.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(4096, 'a') + "\r\n\r\n"));
  EXPECT_EQ(big.read_response(2.0).status, 431);
  EXPECT_TRUE(big.wait_closed(2.0)) << "the connection is closed after an oversize request";

  RawClient body(server.port());
  ASSERT_TRUE(body.send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  EXPECT_EQ(body.read_response(2.0).status, 413);

  RawClient junk(server.port());
  ASSERT_TRUE(junk.send("this is not http\r\n\r\n"));
  EXPECT_EQ(junk.read_response(2.0).status, 400);

  const HttpServer::Stats s = server.stats();
  EXPECT_EQ(s.oversize, 2u);
  EXPECT_EQ(s.bad_requests, 1u);
  EXPECT_EQ(http_request(server.port(), "GET", "/hello").status, 200);
}

TEST(HttpServer, ReportsBadAddressesAndOptions) {
  HttpServerOptions o = local_options();
  o.bind_address = "127.0.0.1";
  EXPECT_THROW(HttpServer(o, {}), std::runtime_error);
  o.bind_address = "no-such-host.invalid:80";
  EXPECT_THROW(HttpServer(o, {}), std::runtime_error);
  HttpServer first(local_options(), {});
  o.bind_address = "127.0.0.1:" + std::to_string(first.port());
  try {
    HttpServer second(o, {});
    FAIL() << "bound a port already in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(o.bind_address), std::string::npos) << e.what();
  }
  o = local_options();
  o.io_threads = 0;
  EXPECT_THROW(validate(o), std::invalid_argument);
  o = local_options();
  o.max_request_bytes = 10;
  EXPECT_THROW(validate(o), std::invalid_argument);
}

TEST(HttpServer, StopsWithConnectionsOpen) {
  auto server = std::make_unique<HttpServer>(local_options(), hello_routes());
  RawClient silent(server->port());
  RawClient kept(server->port());
  ASSERT_TRUE(kept.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(kept.read_response(2.0).status, 200);
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  EXPECT_TRUE(silent.wait_closed(1.0));
  EXPECT_TRUE(kept.wait_closed(1.0));
}

}  // namespace
}  // namespace daqz
