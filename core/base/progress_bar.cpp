#include "base/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace daqz {

namespace {

constexpr int kBarWidth = 24;
constexpr double kTerminalRedrawS = 0.1;

std::string amount(double v, ProgressBar::Unit unit) {
  if (unit == ProgressBar::Unit::kItems) return fmt::format("{:.0f}", v);
  if (v >= 1e9) return fmt::format("{:.2f} GB", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.1f} MB", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} kB", v / 1e3);
  return fmt::format("{:.0f} B", v);
}

std::string duration(double s) {
  if (s < 60) return fmt::format("{:.0f} s", s);
  if (s < 3600) return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60));
  return fmt::format("{:.0f} h {:02.0f} min", std::floor(s / 3600), std::fmod(s, 3600) / 60);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, uint64_t total, Unit unit, Options options)
    : label_(std::move(label)), total_(total), unit_(unit), options_(std::move(options)) {
  if (options_.mode == Mode::kAuto)
    options_.mode = options_.out && ::isatty(::fileno(options_.out)) ? Mode::kTerminal : Mode::kPlain;
  terminal_ = options_.mode == Mode::kTerminal;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

ProgressBar::ProgressBar(std::string label, uint64_t total, Unit unit)
    : ProgressBar(std::move(label), total, unit, Options{}) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::status_text(double elapsed_s) const {
  const double done = double(done_);
  std::string text;
  if (total_ > 0) text = fmt::format("{:3.0f}% ", 100.0 * std::min(1.0, done / double(total_)));
  text += unit_ == Unit::kItems ? (total_ ? fmt::format("{}/{} {}", done_, total_, options_.item_name)
                                          : fmt::format("{} {}", done_, options_.item_name))
                                : (total_ ? amount(done, unit_) + "/" + amount(double(total_), unit_)
                                          : amount(done, unit_));
  if (elapsed_s > 0 && done_ > 0) {
    const double rate = done / elapsed_s;
    text += ", " + (unit_ == Unit::kItems ? fmt::format("{:.1f} {}/s", rate, options_.item_name)
                                          : amount(rate, unit_) + "/s");
    if (total_ > done_) text += ", eta " + duration(double(total_ - done_) / rate);
  }
  return text;
}

void ProgressBar::set(uint64_t done) {
  done_ = done;
  if (options_.mode == Mode::kOff || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since >= (terminal_ ? kTerminalRedrawS : options_.plain_interval_s)) draw(false);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (options_.mode != Mode::kOff) draw(true);
}

void ProgressBar::draw(bool final_draw) {
  const auto now = std::chrono::steady_clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string text = status_text(elapsed);
  if (terminal_) {
    std::string bar;
    if (total_ > 0) {
      const int filled = int(std::lround(kBarWidth * std::min(1.0, double(done_) / double(total_))));
      bar = "[" + std::string(size_t(filled), '#') + std::string(size_t(kBarWidth - filled), '-') + "] ";
    }
    // \r + clear to end of line: a shorter line must not leave the tail of the previous one.
    std::fprintf(options_.out, "\r%s %s%s\033[K%s", label_.c_str(), bar.c_str(), text.c_str(), final_draw ? "\n" : "");
  } else {
    std::fprintf(options_.out, "%s: %s%s\n", label_.c_str(), text.c_str(),
                 final_draw ? fmt::format(" (done in {})", duration(elapsed)).c_str() : "");
  }
  std::fflush(options_.out);
  drawn_ = true;
}

}  // namespace daqz
