#include "testing/prometheus_text.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <utility>

namespace daqz {
namespace {

bool name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

double parse_value(const std::string& token, const std::string& line) {
  if (token == "+Inf" || token == "Inf") return std::numeric_limits<double>::infinity();
  if (token == "-Inf") return -std::numeric_limits<double>::infinity();
  if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double v = std::strtod(token.c_str(), &end);
  if (token.empty() || end != token.c_str() + token.size())
    throw PrometheusParseError("prometheus text: value '" + token + "' is not a number in line '" + line + "'");
  return v;
}

// One sample line: name{labels} value [timestamp].
PrometheusSample parse_sample(const std::string& line) {
  auto fail = [&](const std::string& why) -> PrometheusParseError {
    return PrometheusParseError("prometheus text: " + why + " in line '" + line + "'");
  };
  PrometheusSample s;
  size_t i = 0;
  while (i < line.size() && name_char(line[i], i == 0)) ++i;
  if (i == 0) throw fail("no metric name");
  s.name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i < line.size() && line[i] == '}') break;
      const size_t start = i;
      while (i < line.size() && name_char(line[i], i == start)) ++i;
      if (i == start) throw fail("bad label name");
      const std::string label = line.substr(start, i - start);
      if (line.compare(i, 2, "=\"") != 0) throw fail("label '" + label + "' without =\"value\"");
      i += 2;
      std::string value;
      for (;; ++i) {
        if (i >= line.size()) throw fail("unterminated value of label '" + label + "'");
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size()) {
          const char e = line[++i];
          value += e == 'n' ? '\n' : e;  // \\ and \" stand for themselves
        } else {
          value += line[i];
        }
      }
      ++i;  // closing quote
      s.labels[label] = std::move(value);
    }
    ++i;  // closing brace
  }
  std::istringstream rest(line.substr(i));
  std::string value_token;
  if (!(rest >> value_token)) throw fail("no value");
  s.value = parse_value(value_token, line);
  return s;
}

template <typename Keep>
double sum_if(const std::string& text, const std::string& metric, Keep keep) {
  double sum = 0;
  for (const auto& s : parse_prometheus_text(text))
    if (s.name == metric && keep(s)) sum += s.value;
  return sum;
}

}  // namespace

std::vector<PrometheusSample> parse_prometheus_text(const std::string& text) {
  std::vector<PrometheusSample> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    samples.push_back(parse_sample(line.substr(first)));
  }
  return samples;
}

double prometheus_sum(const std::string& text, const std::string& metric) {
  return sum_if(text, metric, [](const PrometheusSample&) { return true; });
}

double prometheus_sum_where(const std::string& text, const std::string& metric, const std::string& label,
                            const std::string& value) {
  return sum_if(text, metric, [&](const PrometheusSample& s) {
    const auto it = s.labels.find(label);
    return it != s.labels.end() && it->second == value;
  });
}

std::map<std::string, double> prometheus_by_label(const std::string& text, const std::string& metric,
                                                  const std::string& label) {
  std::map<std::string, double> out;
  for (const auto& s : parse_prometheus_text(text)) {
    if (s.name != metric) continue;
    if (const auto it = s.labels.find(label); it != s.labels.end()) out[it->second] += s.value;
  }
  return out;
}

std::map<double, double> prometheus_histogram_buckets(const std::string& text, const std::string& name) {
  std::map<double, double> buckets;
  for (const auto& s : parse_prometheus_text(text)) {
    if (s.name != name + "_bucket") continue;
    const auto le = s.labels.find("le");
    if (le == s.labels.end()) throw PrometheusParseError("prometheus text: bucket of '" + name + "' without le");
    buckets[parse_value(le->second, s.name)] += s.value;
  }
  return buckets;
}

double histogram_quantile(const std::map<double, double>& before, const std::map<double, double>& after, double q) {
  std::vector<std::pair<double, double>> cum;  // (upper bound, cumulative count in the window)
  for (const auto& [le, n] : after) {
    const auto it = before.find(le);
    cum.emplace_back(le, n - (it == before.end() ? 0.0 : it->second));
  }
  if (cum.empty() || cum.back().second <= 0) return 0;
  const double rank = q * cum.back().second;
  double lower = 0, below = 0;
  for (const auto& [le, n] : cum) {
    if (n >= rank) {
      if (std::isinf(le)) return lower;
      return lower + (le - lower) * (n > below ? (rank - below) / (n - below) : 0.0);
    }
    lower = le;
    below = n;
  }
  return lower;
}

}  // namespace daqz
