// A minimal HTTP/1.0 GET for scraping the services' /metrics, /healthz and /readyz in tests,
// benches and `daqz demo`. One deadline covers resolve, connect, request and the whole response,
// so a stuck server cannot hang a poll loop.
//
//   HttpGetResult r = http_fetch("http://127.0.0.1:9100/readyz");
//   if (r.status == 503) ...                  // r.error says why when nothing came back
//   std::string text = http_get(url);         // the body of a 200 answer, "" otherwise
//
// Thread-safe (no shared state). Network failures are results, not exceptions; a URL that is not
// http://host[:port][/path] throws std::invalid_argument.
#pragma once

#include <string>

namespace daqz {

struct HttpGetResult {
  int status = 0;     // 0 when no status line came back
  std::string body;
  std::string error;  // empty when a complete response arrived
  bool ok() const { return error.empty() && status == 200; }
};

HttpGetResult http_fetch(const std::string& url, double timeout_s = 2.0);
// The body of a 200 response; "" for any failure or other status (pollers treat both as "not yet").
std::string http_get(const std::string& url, double timeout_s = 2.0);

}  // namespace daqz
