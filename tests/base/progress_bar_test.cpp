#include "base/progress_bar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <chrono>
#include <thread>

namespace daqz {
namespace {

// Everything a bar wrote into a temporary FILE*.
std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

TEST(ProgressBar, PlainModePrintsWholeLinesAndAFinalOne) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar::Options o;
    o.mode = ProgressBar::Mode::kPlain;
    o.out = f;
    o.item_name = "wedges";
    o.plain_interval_s = 0;  // every update prints
    ProgressBar bar("encode", 4, ProgressBar::Unit::kItems, o);
    bar.advance();
    bar.advance(3);
  }  // the destructor finishes
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;  // no in-place redraw in a log
  EXPECT_NE(out.find("encode:  25% 1/4 wedges"), std::string::npos) << out;
  EXPECT_NE(out.find("encode: 100% 4/4 wedges"), std::string::npos) << out;
  EXPECT_NE(out.find("(done in"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

TEST(ProgressBar, PlainModeIsRateLimited) {
  std::FILE* f = std::tmpfile();
  ProgressBar::Options o;
  o.mode = ProgressBar::Mode::kPlain;
  o.out = f;
  o.plain_interval_s = 3600;
  ProgressBar bar("decode", 1000, ProgressBar::Unit::kItems, o);
  for (int i = 0; i < 1000; ++i) bar.advance();
  bar.finish();
  bar.finish();  // idempotent
  const std::string out = contents(f);
  std::fclose(f);
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << out;  // only the final line
}

TEST(ProgressBar, TerminalModeRedrawsInPlaceWithABar) {
  std::FILE* f = std::tmpfile();
  ProgressBar::Options o;
  o.mode = ProgressBar::Mode::kTerminal;
  o.out = f;
  ProgressBar bar("export", 2'000'000, ProgressBar::Unit::kBytes, o);
  bar.set(1'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));  // past the 10-per-second redraw limit
  bar.set(2'000'000);
  bar.finish();
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_EQ(out.front(), '\r');
  EXPECT_NE(out.find("[########################] 100% 2.0 MB/2.0 MB"), std::string::npos) << out;
  EXPECT_NE(out.find("\033[K"), std::string::npos) << out;  // clears the rest of the previous line
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;       // one line, redrawn, ended once
}

TEST(ProgressBar, StatusTextGivesRateAndEta) {
  ProgressBar::Options o;
  o.mode = ProgressBar::Mode::kOff;
  o.item_name = "wedges";
  ProgressBar bar("eval", 100, ProgressBar::Unit::kItems, o);
  bar.set(25);
  EXPECT_EQ(bar.status_text(5.0), " 25% 25/100 wedges, 5.0 wedges/s, eta 15 s");
  bar.set_total(0);  // unknown total: no percentage, no eta
  EXPECT_EQ(bar.status_text(5.0), "25 wedges, 5.0 wedges/s");
}

TEST(ProgressBar, OffModeWritesNothing) {
  std::FILE* f = std::tmpfile();
  ProgressBar::Options o;
  o.mode = ProgressBar::Mode::kOff;
  o.out = f;
  {
    ProgressBar bar("x", 10, ProgressBar::Unit::kItems, o);
    bar.advance(10);
  }
  EXPECT_EQ(contents(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace daqz
