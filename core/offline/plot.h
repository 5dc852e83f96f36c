// PNG plots for evaluation reports: line/scatter series against x, histograms and heat maps
// (e.g. a correlation matrix), drawn by gnuplot (Debian package gnuplot-nox) from a script file.
//
//   LinePlot p;
//   p.title = "MSE against compression ratio";  p.xlabel = "ratio";  p.ylabel = "MSE";  p.log_y = true;
//   p.series.push_back({"ZFP fixed-rate", {16, 32, 64}, {120, 300, 800}});
//   write_line_plot("out/mse_vs_ratio.png", p);            // throws PlotError
//
//   HistogramPlot h;  h.series.push_back({"truth", 0.0, 10.5, counts});  write_histogram_plot(path, h);
//   HeatMap m;  m.nx = m.ny = 4;  m.z = {...};  m.x_labels = m.y_labels = names;  write_heat_map(path, m);
//
// Data is written inline into the script (no temporary data files), the script is kept beside the
// PNG as <name>.gp so a figure can be re-styled by hand. Free functions, thread-safe (each call
// runs its own gnuplot process). Throws PlotError when gnuplot is missing or fails (its message
// is included) and for inconsistent input (series of unequal lengths, heat map of the wrong size).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace daqz {

struct PlotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PlotSeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  std::string style = "linespoints";  // gnuplot style: "lines", "points", "linespoints", "steps"
  std::vector<std::string> point_labels;  // optional, one per point, drawn beside it
};

struct LinePlot {
  std::string title, xlabel, ylabel;
  bool log_x = false, log_y = false;
  std::string key_position = "bottom right";  // gnuplot key placement inside the axes
  double y_min = 0, y_max = 0;                 // y range shown; equal = automatic
  int width = 900, height = 600;
  std::vector<PlotSeries> series;
};

// Equal-width bins on [lo, hi): counts.size() bins.
struct HistogramSeries {
  std::string name;
  double lo = 0, hi = 1;
  std::vector<double> counts;
};

struct HistogramPlot {
  std::string title, xlabel, ylabel = "fraction per bin";
  bool log_y = false;
  bool normalise = true;  // each series divided by its total (compares shapes of unequal samples)
  std::string key_position = "top right";
  double x_min = 0, x_max = 0;  // x range shown; equal = the whole binned range
  int width = 900, height = 600;
  std::vector<HistogramSeries> series;
};

// z is row-major: z[iy * nx + ix]. With labels, cells are categories (e.g. a correlation matrix);
// otherwise they span [x_lo, x_hi) x [y_lo, y_hi).
struct HeatMap {
  std::string title, xlabel, ylabel, zlabel;
  size_t nx = 0, ny = 0;
  std::vector<double> z;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  std::vector<std::string> x_labels, y_labels;
  bool log_z = false;           // zero cells are left blank
  bool annotate = false;        // print each value in its cell (small matrices)
  bool diverging = false;       // blue-white-red palette (e.g. correlations; set z_min = -z_max)
  double z_min = 0, z_max = 0;  // colour range; equal = automatic
  int width = 800, height = 700;
};

void write_line_plot(const std::string& png_path, const LinePlot& plot);
void write_histogram_plot(const std::string& png_path, const HistogramPlot& plot);
void write_heat_map(const std::string& png_path, const HeatMap& map);

// True when a gnuplot executable is on PATH (checked once).
bool plotting_available();

}  // namespace daqz
