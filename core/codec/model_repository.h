// The model repository: every way daqz finds a model (by name, by directory, by the weights a
// record names, by architecture, by the metrics in its card) goes through this one class.
//
//   ModelRepository repo({"deploy/models"});
//   ModelCard m = repo.resolve("bcae-2d-sim");              // latest version; also "bcae-2d-sim@3" or a path
//   ModelCard w = repo.find_by_weights(rec.model_name, rec.weights_sha256);   // the exact weights, verified
//   auto any = repo.first_with_arch("bcae-2d");             // std::optional, first by name
//   auto best = repo.best_by_card("bcae", {"metrics_heldout.mse", CardMetric::kLowerIsBetter});
//
// Layout of a root (a folder of models), both forms read side by side:
//   <root>/<name>/<version>/model.json (+ weights)   versioned: retraining adds a version, never overwrites
//   <root>/<name>/model.json (+ weights)             unversioned (the shipped models): that name's OLDEST
//                                                    version, labelled with its card's "version"
// A root may also be one model directory (it holds model.json) or one model's folder of versions.
// A model's identity is its card's "name"; the folder name is accepted for lookups too (a copied
// folder keeps working). Versions order numerically by dot-separated parts ("2" < "10" < "10.1"),
// other labels by text; "latest" is the highest. Records stay decodable after retraining because
// find_by_weights() picks the version whose card carries the record's weights SHA-256, whatever
// the latest is, and falls back to any model with those weights (a renamed model).
//
// The roots are scanned on every query (cards are small; models can be added while a node runs).
// A card that does not parse is skipped and named in the "not found" message. Extra keys and files
// in a model directory are ignored. No LibTorch. Thread-safe (const, no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec/model_card.h"

namespace daqz {

// No model matches: the message names what was asked, the roots searched and what they hold.
struct ModelNotFoundError : ModelCardError {
  using ModelCardError::ModelCardError;
};

// One model version found under a root.
struct ModelEntry {
  ModelCard card;        // card.dir is the version's directory
  std::string version;   // the directory name (versioned) or the card's "version" (unversioned)
  bool unversioned = false;
  std::string folder;    // the <name> folder name under the root ("" for a root that is a model dir)
};

// A number in a model card, at a dotted path ("metrics_heldout.mse"), and which way is better.
struct CardMetric {
  enum Direction { kLowerIsBetter, kHigherIsBetter };
  std::string path;
  Direction direction = kLowerIsBetter;
};

class ModelRepository {
 public:
  explicit ModelRepository(std::vector<std::string> roots);

  // The roots a tool uses when none is given: ./deploy/models and the checkout's deploy/models beside
  // the build (<executable>/../../deploy/models), those that exist; {"deploy/models"} if none.
  static std::vector<std::string> default_roots();

  // A model directory path (exact), a model's folder of versions (latest), "name" (latest) or
  // "name@version". Throws ModelNotFoundError (ModelCardError for a directory with a bad card).
  ModelCard resolve(const std::string& name_or_dir) const;
  // The version of `name` whose weights are `weights_sha256` ("enc:dec" as records carry it), with
  // the weight files verified; an empty SHA means the latest version. Throws ModelNotFoundError
  // listing the versions found, or ModelCardError when the files do not match their card.
  ModelCard find_by_weights(const std::string& name, const std::string& weights_sha256) const;
  // Latest version of the first model (by name) whose arch starts with `arch_prefix`.
  std::optional<ModelCard> first_with_arch(const std::string& arch_prefix) const;
  // Latest version of the model whose arch starts with `arch_prefix` and whose card has the best
  // value at `metric` (models without it are passed over; ties go to the first by name).
  std::optional<ModelCard> best_by_card(const std::string& arch_prefix, const CardMetric& metric) const;

  // Every version of `name`, oldest first (empty when none).
  std::vector<ModelEntry> versions(const std::string& name) const;
  // The latest version of every model, sorted by name.
  std::vector<ModelEntry> latest() const;
  // Every model version under the roots (first root first; a directory reached twice is listed once).
  std::vector<ModelEntry> scan() const;

  const std::vector<std::string>& roots() const { return roots_; }

 private:
  struct Scan;
  Scan scan_all() const;
  std::vector<std::string> roots_;
};

// Orders version labels: numeric dot-separated parts by value, otherwise by text. < 0, 0, > 0.
int compare_versions(const std::string& a, const std::string& b);
// The number at a dotted path of a card, if there is one.
std::optional<double> card_metric(const ModelCard& card, const std::string& path);

}  // namespace daqz
