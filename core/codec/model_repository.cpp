#include "codec/model_repository.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "base/install_paths.h"

namespace daqz {
namespace fs = std::filesystem;

namespace {

bool has_card(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "model.json", ec);
}

std::vector<fs::path> subdirectories(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] != '.' && it->is_directory(ec)) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());  // directory order is arbitrary; scans must be reproducible
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) parts.push_back(s.substr(start, i - start)), start = i + 1;
  return parts;
}

// "v3" and "3" name the same version.
std::string strip_v(const std::string& s) {
  return s.size() > 1 && (s[0] == 'v' || s[0] == 'V') && std::isdigit(static_cast<unsigned char>(s[1])) ? s.substr(1)
                                                                                                        : s;
}

// "deploy/models/" and "deploy/models" both name "models".
std::string dir_name(const fs::path& p) {
  const fs::path n = p.lexically_normal();
  return n.has_filename() ? n.filename().string() : n.parent_path().filename().string();
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string describe(const ModelEntry& e) {
  return e.card.name + "@" + (e.version.empty() ? "?" : e.version) + (e.unversioned ? " (unversioned)" : "");
}

// Newer = greater version; an unversioned directory is older than every versioned one.
bool newer(const ModelEntry& a, const ModelEntry& b) {
  if (a.unversioned != b.unversioned) return b.unversioned;
  return compare_versions(a.version, b.version) > 0;
}

const ModelEntry* latest_of(const std::vector<const ModelEntry*>& entries) {
  const ModelEntry* best = nullptr;
  for (const ModelEntry* e : entries)  // strictly newer only: the first root wins a tie
    if (!best || newer(*e, *best)) best = e;
  return best;
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b) {
  const auto pa = split(strip_v(a), '.'), pb = split(strip_v(b), '.');
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    const std::string& x = pa[i];
    const std::string& y = pb[i];
    if (all_digits(x) && all_digits(y)) {
      // By value without overflow: strip leading zeros, then the longer number is the larger.
      const std::string nx = x.substr(std::min(x.find_first_not_of('0'), x.size()));
      const std::string ny = y.substr(std::min(y.find_first_not_of('0'), y.size()));
      if (nx.size() != ny.size()) return nx.size() < ny.size() ? -1 : 1;
      if (const int c = nx.compare(ny); c != 0) return c < 0 ? -1 : 1;
    } else if (all_digits(x) != all_digits(y)) {
      return all_digits(x) ? 1 : -1;  // "2" is newer than "2.rc"-style text parts
    } else if (const int c = x.compare(y); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  if (pa.size() != pb.size()) return pa.size() < pb.size() ? -1 : 1;
  return 0;
}

std::optional<double> card_metric(const ModelCard& card, const std::string& path) {
  const nlohmann::json* node = &card.raw;
  for (const auto& key : split(path, '.')) {
    if (!node->is_object() || !node->contains(key)) return std::nullopt;
    node = &(*node)[key];
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

struct ModelRepository::Scan {
  std::vector<ModelEntry> entries;
  std::vector<std::string> problems;  // cards that did not parse: their errors
  std::set<std::string> seen;         // canonical directories already read

  // The card of `dir`, once per directory; a card that does not parse is recorded and skipped.
  std::optional<ModelCard> read(const fs::path& dir) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(dir, ec);
    if (!seen.insert(ec ? dir.string() : canonical.string()).second) return std::nullopt;
    try {
      return load_model_card(dir.string());
    } catch (const std::exception& ex) {
      problems.push_back(ex.what());
      return std::nullopt;
    }
  }

  // `version_label` empty: an unversioned directory, labelled with its card's version.
  void add(ModelCard card, const std::string& folder, const std::string& version_label) {
    ModelEntry e;
    e.unversioned = version_label.empty();
    e.version = e.unversioned ? card.version : version_label;
    e.folder = folder;
    e.card = std::move(card);
    entries.push_back(std::move(e));
  }

  void scan_root(const fs::path& root) {
    const std::string root_name = dir_name(root);
    if (has_card(root)) {  // the root is one model directory
      if (auto card = read(root)) add(std::move(*card), root_name, "");
      return;
    }
    for (const fs::path& child : subdirectories(root)) {
      const std::string name = child.filename().string();
      if (has_card(child)) {
        // <root>/<x>/model.json is an unversioned model (today's layout) or, when the root is one
        // model's folder of versions, a version of it: then <x> is the card's version, or the root
        // is named like the model.
        if (auto card = read(child)) {
          const bool version_dir =
              name != card->name && (strip_v(name) == strip_v(card->version) || root_name == card->name);
          add(std::move(*card), version_dir ? root_name : name, version_dir ? name : "");
        }
      }
      for (const fs::path& grandchild : subdirectories(child))
        if (has_card(grandchild))
          if (auto card = read(grandchild)) add(std::move(*card), name, grandchild.filename().string());
    }
  }
};

ModelRepository::ModelRepository(std::vector<std::string> roots) : roots_(std::move(roots)) {}

std::vector<std::string> ModelRepository::default_roots() {
  std::vector<std::string> roots;
  std::error_code ec;
  // A source checkout; then beside the executable: an install (<prefix>/share/daqz/models) or a build
  // folder inside the checkout (base/install_paths.h).
  std::vector<fs::path> candidates = {"deploy/models"};
  const std::string near = models_root_near(binary_dir());
  if (!near.empty()) candidates.push_back(near);
  for (const auto& c : candidates) {
    if (!fs::is_directory(c, ec)) continue;
    const std::string p = fs::weakly_canonical(c, ec).string();
    if (std::find(roots.begin(), roots.end(), p) == roots.end()) roots.push_back(p);
  }
  if (roots.empty()) roots.push_back("deploy/models");
  return roots;
}

ModelRepository::Scan ModelRepository::scan_all() const {
  Scan s;
  for (const auto& r : roots_) s.scan_root(r);
  return s;
}

std::vector<ModelEntry> ModelRepository::scan() const { return scan_all().entries; }

namespace {

std::vector<const ModelEntry*> named(const std::vector<ModelEntry>& all, const std::string& name) {
  std::vector<const ModelEntry*> out;
  for (const auto& e : all)
    if (e.card.name == name) out.push_back(&e);
  if (out.empty())  // a folder name also finds a model whose card says otherwise (a renamed copy)
    for (const auto& e : all)
      if (!e.folder.empty() && e.folder == name) out.push_back(&e);
  return out;
}

}  // namespace

std::vector<ModelEntry> ModelRepository::versions(const std::string& name) const {
  const Scan s = scan_all();
  std::vector<ModelEntry> out;
  for (const ModelEntry* e : named(s.entries, name)) out.push_back(*e);
  std::stable_sort(out.begin(), out.end(), [](const ModelEntry& a, const ModelEntry& b) { return newer(b, a); });
  return out;
}

std::vector<ModelEntry> ModelRepository::latest() const {
  const Scan s = scan_all();
  std::map<std::string, std::vector<const ModelEntry*>> by_name;
  for (const auto& e : s.entries) by_name[e.card.name].push_back(&e);
  std::vector<ModelEntry> out;
  for (const auto& [name, entries] : by_name) out.push_back(*latest_of(entries));
  return out;
}

namespace {

// "model 'x' not found under: a, b (missing) [models there: ...; skipped: ...]"
std::string not_found(const std::string& what, const std::vector<std::string>& roots,
                      const std::vector<ModelEntry>& entries, const std::vector<std::string>& problems) {
  std::vector<std::string> searched, names;
  for (const auto& r : roots) searched.push_back(fs::is_directory(r) ? r : r + " (missing)");
  std::set<std::string> unique;
  for (const auto& e : entries) unique.insert(describe(e));
  names.assign(unique.begin(), unique.end());
  std::string msg = what + " not found under: " + (searched.empty() ? "(no model roots)" : join(searched));
  msg += names.empty() ? "; no models there" : "; models there: " + join(names);
  if (!problems.empty()) msg += "; unreadable cards: " + join(problems);
  return msg;
}

}  // namespace

ModelCard ModelRepository::resolve(const std::string& name_or_dir) const {
  if (name_or_dir.empty()) throw ModelNotFoundError("no model named (an empty model name or directory)");
  std::error_code ec;
  if (fs::is_directory(name_or_dir, ec)) {
    if (has_card(name_or_dir)) return load_model_card(name_or_dir);
    // A model's folder of versions: the latest of the one model it holds.
    Scan s;
    s.scan_root(name_or_dir);
    std::set<std::string> models;
    std::vector<const ModelEntry*> all;
    for (const auto& e : s.entries) models.insert(e.card.name), all.push_back(&e);
    if (models.size() == 1) return latest_of(all)->card;
    if (models.empty())
      throw ModelNotFoundError(not_found("a model in directory '" + name_or_dir + "'", {name_or_dir}, {}, s.problems));
    throw ModelNotFoundError("directory '" + name_or_dir + "' holds several models (" +
                             join(std::vector<std::string>(models.begin(), models.end())) +
                             "): name one, or give it as a model root");
  }
  const auto at = name_or_dir.rfind('@');
  const std::string name = at == std::string::npos ? name_or_dir : name_or_dir.substr(0, at);
  const std::string version = at == std::string::npos ? "" : name_or_dir.substr(at + 1);
  const Scan s = scan_all();
  const auto candidates = named(s.entries, name);
  if (version.empty() && !candidates.empty()) return latest_of(candidates)->card;
  for (const ModelEntry* e : candidates)
    if (compare_versions(e->version, version) == 0) return e->card;
  throw ModelNotFoundError(not_found("model '" + name_or_dir + "'", roots_, s.entries, s.problems));
}

ModelCard ModelRepository::find_by_weights(const std::string& name, const std::string& weights_sha256) const {
  if (weights_sha256.empty()) return resolve(name);
  const Scan s = scan_all();
  auto try_verified = [&](const std::vector<const ModelEntry*>& entries) -> std::optional<ModelCard> {
    std::optional<ModelCardError> first_error;
    for (const ModelEntry* e : entries) {
      if (e->card.weights_sha256() != weights_sha256) continue;
      try {
        verify_model_weights(e->card);
        return e->card;
      } catch (const ModelCardError& err) {  // a damaged copy; another may be intact
        if (!first_error) first_error = err;
      }
    }
    if (first_error) throw *first_error;
    return std::nullopt;
  };
  const auto by_name = named(s.entries, name);
  if (auto card = try_verified(by_name)) return *card;
  // Content-addressed fallback: the same weights under another name (a renamed or copied model).
  std::vector<const ModelEntry*> all;
  for (const auto& e : s.entries) all.push_back(&e);
  if (auto card = try_verified(all)) return *card;
  std::string what = "model '" + name + "' with weights " + weights_sha256;
  if (!by_name.empty()) {
    std::vector<std::string> found;
    for (const ModelEntry* e : by_name) found.push_back(describe(*e) + " has " + e->card.weights_sha256());
    what += " (versions found: " + join(found) + ")";
  }
  throw ModelNotFoundError(not_found(what, roots_, s.entries, s.problems));
}

std::optional<ModelCard> ModelRepository::first_with_arch(const std::string& arch_prefix) const {
  for (const auto& e : latest())
    if (e.card.arch.rfind(arch_prefix, 0) == 0) return e.card;
  return std::nullopt;
}

std::optional<ModelCard> ModelRepository::best_by_card(const std::string& arch_prefix, const CardMetric& metric) const {
  std::optional<ModelCard> best;
  double best_value = 0;
  for (const auto& e : latest()) {
    if (e.card.arch.rfind(arch_prefix, 0) != 0) continue;
    const auto v = card_metric(e.card, metric.path);
    if (!v) continue;
    const bool better = metric.direction == CardMetric::kLowerIsBetter ? *v < best_value : *v > best_value;
    if (!best || better) best = e.card, best_value = *v;
  }
  return best;
}

}  // namespace daqz
