#include "offline/plot.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace daqz {
namespace {

namespace fs = std::filesystem;

bool is_png(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in && std::string(sig + 1, 3) == "PNG" && fs::file_size(p) > 1000;
}

class EvalPlot : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("daqz_plot_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  // DAQZ_KEEP_PLOTS=1 keeps the PNGs (path printed) to look at them.
  void TearDown() override {
    if (std::getenv("DAQZ_KEEP_PLOTS")) std::printf("plots kept in %s\n", dir_.c_str());
    else fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(EvalPlot, RejectsInconsistentInputBeforeDrawing) {
  LinePlot p;
  p.series.push_back({"bad", {1, 2, 3}, {1, 2}});
  EXPECT_THROW(write_line_plot((dir_ / "a.png").string(), p), PlotError);
  EXPECT_THROW(write_line_plot((dir_ / "b.png").string(), LinePlot{}), PlotError);
  HeatMap m;
  m.nx = 2;
  m.ny = 2;
  m.z = {1, 2, 3};
  EXPECT_THROW(write_heat_map((dir_ / "c.png").string(), m), PlotError);
  HistogramPlot h;
  h.series.push_back({"empty", 0, 1, {}});
  EXPECT_THROW(write_histogram_plot((dir_ / "d.png").string(), h), PlotError);
}

TEST_F(EvalPlot, WritesReadablePngs) {
  if (!plotting_available()) GTEST_SKIP() << "gnuplot not installed (Debian package gnuplot-nox)";
  LinePlot p;
  p.title = "a_b^c {x} `echo injected`";
  p.log_x = p.log_y = true;
  p.series.push_back({"series_1", {1, 10, 100}, {0.5, 0.0, 50}});  // 0 cannot be drawn on log y: dropped
  p.series.push_back({"labelled", {2, 20}, {3, 30}, "points", {"p1", "p\"2"}});
  write_line_plot((dir_ / "line.png").string(), p);
  EXPECT_TRUE(is_png(dir_ / "line.png"));
  EXPECT_TRUE(fs::exists(dir_ / "line.gp"));

  HistogramPlot h;
  h.series.push_back({"truth", 0, 10, {0, 1, 5, 9, 4, 1, 0, 0, 0, 0}});
  h.series.push_back({"recon", 0, 10, {0, 2, 4, 8, 5, 1, 0, 0, 0, 0}});
  write_histogram_plot((dir_ / "sub" / "hist.png").string(), h);
  EXPECT_TRUE(is_png(dir_ / "sub" / "hist.png"));

  HeatMap m;
  m.nx = m.ny = 3;
  m.z = {1, 0.5, -0.2, 0.5, 1, 0.1, -0.2, 0.1, 1};
  m.x_labels = m.y_labels = {"pt", "eta", "phi"};
  m.annotate = true;
  m.diverging = true;
  m.z_min = -1;
  m.z_max = 1;
  write_heat_map((dir_ / "corr.png").string(), m);
  EXPECT_TRUE(is_png(dir_ / "corr.png"));
}

}  // namespace
}  // namespace daqz
