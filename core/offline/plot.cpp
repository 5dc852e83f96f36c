#include "offline/plot.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace daqz {
namespace {

namespace fs = std::filesystem;

// gnuplot single-quoted string: only ' needs doubling.
std::string gp_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Text for a title or label: double-quoted (so "\n" breaks lines); the terminal runs noenhanced,
// so _ ^ { } print as themselves.
std::string plain(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '`') {  // gnuplot runs `...` as a shell command, even inside double quotes
      out += '\'';
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "\"";
}

// A string column inside inline data: double quotes, no embedded double quotes.
std::string data_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '`' || c == '\n') ? '\'' : c;
  return out + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "1e308" : "-1e308";
  std::ostringstream s;
  s << std::setprecision(9) << v;
  return s.str();
}

void header(std::ostringstream& gp, const std::string& png, int w, int h, const std::string& title,
            const std::string& key) {
  gp << "set terminal pngcairo size " << w << "," << h << " noenhanced font 'DejaVu Sans,11'\n"
     << "set output " << gp_quoted(png) << "\n"
     << "set title " << plain(title) << "\n"
     << "set grid\nset key " << key << " box opaque\nset datafile missing 'NaN'\n"
     << "set format x '%g'\nset format y '%g'\n";
}

// Runs gnuplot on the script, kept beside the PNG as <stem>.gp.
void run_gnuplot(const std::string& png_path, const std::string& script) {
  if (png_path.find('\'') != std::string::npos || png_path.find('"') != std::string::npos)
    throw PlotError("plot: output path must not contain quotes: " + png_path);
  const fs::path png(png_path);
  if (png.has_parent_path()) fs::create_directories(png.parent_path());
  fs::path gp_path = png;
  gp_path.replace_extension(".gp");
  {
    std::ofstream out(gp_path);
    if (!out) throw PlotError("plot: cannot write " + gp_path.string());
    out << script;
  }
  if (!plotting_available())
    throw PlotError("plot: gnuplot not found on PATH (install the Debian package gnuplot-nox); the script is at " +
                    gp_path.string());
  const std::string cmd = "gnuplot '" + gp_path.string() + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw PlotError("plot: cannot start gnuplot");
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  const int status = pclose(pipe);
  if (status != 0 || !fs::exists(png) || fs::file_size(png) == 0)
    throw PlotError("plot: gnuplot failed on " + gp_path.string() + ": " + output);
}

}  // namespace

bool plotting_available() {
  static const bool available = std::system("command -v gnuplot > /dev/null 2>&1") == 0;
  return available;
}

void write_line_plot(const std::string& png_path, const LinePlot& plot) {
  std::ostringstream gp;
  header(gp, png_path, plot.width, plot.height, plot.title, "inside " + plot.key_position);
  gp << "set xlabel " << plain(plot.xlabel) << "\nset ylabel " << plain(plot.ylabel) << "\n";
  if (plot.log_x) gp << "set logscale x\n";
  if (plot.log_y) gp << "set logscale y\n";
  if (plot.y_max > plot.y_min) gp << "set yrange [" << number(plot.y_min) << ":" << number(plot.y_max) << "]\n";
  std::ostringstream plot_cmd;
  for (size_t s = 0; s < plot.series.size(); ++s) {
    const PlotSeries& ser = plot.series[s];
    if (ser.x.size() != ser.y.size())
      throw PlotError("plot: series '" + ser.name + "' has " + std::to_string(ser.x.size()) + " x and " +
                      std::to_string(ser.y.size()) + " y values");
    if (!ser.point_labels.empty() && ser.point_labels.size() != ser.x.size())
      throw PlotError("plot: series '" + ser.name + "' needs one point label per point");
    gp << "$s" << s << " << EOD\n";
    for (size_t i = 0; i < ser.x.size(); ++i) {
      // Log axes cannot show non-positive values: leave them out rather than fail.
      // A blank line instead of the point also breaks the line there.
      const bool drop = (plot.log_x && !(ser.x[i] > 0)) || (plot.log_y && !(ser.y[i] > 0)) ||
                        !std::isfinite(ser.x[i]) || !std::isfinite(ser.y[i]);
      if (drop) {
        gp << "\n";
        continue;
      }
      gp << number(ser.x[i]) << " " << number(ser.y[i]);
      if (!ser.point_labels.empty()) gp << " " << data_string(ser.point_labels[i]);
      gp << "\n";
    }
    gp << "EOD\n";
    plot_cmd << (s ? ", " : "plot ") << "$s" << s << " using 1:2 with " << ser.style << " lw 2 title "
             << plain(ser.name);
    if (!ser.point_labels.empty())
      plot_cmd << ", $s" << s << " using 1:2:3 with labels offset 0.8,0.6 font ',8' notitle";
  }
  if (plot.series.empty()) throw PlotError("plot: '" + plot.title + "' has no series");
  gp << plot_cmd.str() << "\n";
  run_gnuplot(png_path, gp.str());
}

void write_histogram_plot(const std::string& png_path, const HistogramPlot& plot) {
  if (plot.series.empty()) throw PlotError("plot: '" + plot.title + "' has no series");
  std::ostringstream gp;
  header(gp, png_path, plot.width, plot.height, plot.title, "inside " + plot.key_position);
  gp << "set xlabel " << plain(plot.xlabel) << "\nset ylabel " << plain(plot.ylabel) << "\n";
  if (plot.log_y) gp << "set logscale y\n";
  if (plot.x_max > plot.x_min) gp << "set xrange [" << number(plot.x_min) << ":" << number(plot.x_max) << "]\n";
  std::ostringstream plot_cmd;
  for (size_t s = 0; s < plot.series.size(); ++s) {
    const HistogramSeries& h = plot.series[s];
    if (h.counts.empty() || !(h.hi > h.lo))
      throw PlotError("plot: histogram '" + h.name + "' needs bins and hi > lo");
    double total = 0;
    for (double c : h.counts) total += c;
    const double scale = plot.normalise && total > 0 ? 1.0 / total : 1.0;
    const double width = (h.hi - h.lo) / double(h.counts.size());
    gp << "$h" << s << " << EOD\n";
    // Step outline: left edge of each bin, plus a closing point at hi.
    for (size_t i = 0; i < h.counts.size(); ++i) {
      const double v = h.counts[i] * scale;
      gp << number(h.lo + width * double(i)) << " " << ((plot.log_y && !(v > 0)) ? "NaN" : number(v)) << "\n";
    }
    const double last = h.counts.back() * scale;
    gp << number(h.hi) << " " << ((plot.log_y && !(last > 0)) ? "NaN" : number(last)) << "\nEOD\n";
    plot_cmd << (s ? ", " : "plot ") << "$h" << s << " using 1:2 with fsteps lw 2 title " << plain(h.name);
  }
  gp << plot_cmd.str() << "\n";
  run_gnuplot(png_path, gp.str());
}

void write_heat_map(const std::string& png_path, const HeatMap& map) {
  if (map.nx == 0 || map.ny == 0 || map.z.size() != map.nx * map.ny)
    throw PlotError("plot: heat map '" + map.title + "' needs nx * ny = " + std::to_string(map.nx * map.ny) +
                    " values, got " + std::to_string(map.z.size()));
  const bool categorical = !map.x_labels.empty() || !map.y_labels.empty();
  if (categorical && (map.x_labels.size() != map.nx || map.y_labels.size() != map.ny))
    throw PlotError("plot: heat map '" + map.title + "' needs one label per column and per row");
  std::ostringstream gp;
  header(gp, png_path, map.width, map.height, map.title, "off");
  gp << "unset key\nset xlabel " << plain(map.xlabel) << "\nset ylabel " << plain(map.ylabel) << "\n"
     << "set cblabel " << plain(map.zlabel) << " offset -1,0\nset rmargin 10\n"
     << (map.diverging ? "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n"
                       : "set palette rgbformulae 30,31,32\n")
     << "set tics out\n";
  if (map.log_z) gp << "set logscale cb\n";
  if (map.z_max > map.z_min) gp << "set cbrange [" << number(map.z_min) << ":" << number(map.z_max) << "]\n";
  const double dx = categorical ? 1.0 : (map.x_hi - map.x_lo) / double(map.nx);
  const double dy = categorical ? 1.0 : (map.y_hi - map.y_lo) / double(map.ny);
  if (categorical) {
    // Row 0 at the top, as a matrix is read.
    gp << "set xrange [-0.5:" << number(double(map.nx) - 0.5) << "]\nset yrange ["
       << number(double(map.ny) - 0.5) << ":-0.5]\nset xtics rotate by 45 right (";
    for (size_t i = 0; i < map.nx; ++i) gp << (i ? ", " : "") << plain(map.x_labels[i]) << " " << i;
    gp << ")\nset ytics (";
    for (size_t i = 0; i < map.ny; ++i) gp << (i ? ", " : "") << plain(map.y_labels[i]) << " " << i;
    gp << ")\nunset grid\n";
  } else {
    gp << "set xrange [" << number(map.x_lo) << ":" << number(map.x_hi) << "]\nset yrange [" << number(map.y_lo)
       << ":" << number(map.y_hi) << "]\n";
  }
  gp << "$m << EOD\n";
  for (size_t iy = 0; iy < map.ny; ++iy) {
    for (size_t ix = 0; ix < map.nx; ++ix) {
      const double v = map.z[iy * map.nx + ix];
      const double cx = categorical ? double(ix) : map.x_lo + dx * (double(ix) + 0.5);
      const double cy = categorical ? double(iy) : map.y_lo + dy * (double(iy) + 0.5);
      gp << number(cx) << " " << number(cy) << " " << ((map.log_z && !(v > 0)) ? "NaN" : number(v)) << "\n";
    }
  }
  gp << "EOD\n";
  gp << "plot $m using 1:2:3 with boxxyerror fs solid 1.0 noborder lc palette z notitle";
  // boxxyerror needs half-widths: pass them as constant columns through the using spec.
  std::string s = gp.str();
  const std::string using_spec = "using 1:2:3";
  const std::string boxed = "using 1:2:(" + number(dx / 2) + "):(" + number(dy / 2) + "):3";
  s.replace(s.rfind(using_spec), using_spec.size(), boxed);
  if (map.annotate) s += ", $m using 1:2:(sprintf('%.2f', $3)) with labels font ',10' notitle";
  s += "\n";
  run_gnuplot(png_path, s);
}

}  // namespace daqz
