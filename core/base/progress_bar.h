// A progress bar on stderr for the long offline commands (daqz encode, decode, export, eval).
//
//   ProgressBar bar("decode", total_bytes, ProgressBar::Unit::kBytes);
//   while (...) bar.set(bytes_read);          // or bar.advance(1)
//   bar.finish();                             // also done by the destructor
//
// On a terminal it redraws one line in place, at most 10 times a second:
//   decode [###########---------]  55%  41.2/75.0 MB  12.1 MB/s  eta 3 s
// Anywhere else (a log file, a pipe, journald) a redrawn line would be garbage, so it prints a plain
// line at most every `plain_interval_s` seconds and one at the end:
//   decode: 55% 41.2/75.0 MB, 12.1 MB/s, eta 3 s
// A total of 0 means unknown: counts and rates without a percentage. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace daqz {

class ProgressBar {
 public:
  enum class Unit { kItems, kBytes };
  enum class Mode { kAuto, kTerminal, kPlain, kOff };  // kAuto: kTerminal when the stream is a tty
  struct Options {
    Mode mode = Mode::kAuto;
    std::FILE* out = stderr;
    std::string item_name = "items";   // for Unit::kItems, e.g. "wedges"
    double plain_interval_s = 5.0;
  };

  ProgressBar(std::string label, uint64_t total, Unit unit, Options options);
  ProgressBar(std::string label, uint64_t total, Unit unit = Unit::kItems);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(uint64_t n = 1) { set(done_ + n); }
  void set(uint64_t done);
  void set_total(uint64_t total) { total_ = total; }
  // Draws the final state once (a terminal line ends with a newline). Idempotent.
  void finish();

  uint64_t done() const { return done_; }
  // The text of one update without decoration (tests, and the plain mode's lines).
  std::string status_text(double elapsed_s) const;

 private:
  void draw(bool final_draw);
  std::string label_;
  uint64_t total_, done_ = 0;
  Unit unit_;
  Options options_;
  bool terminal_ = false, finished_ = false, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace daqz
