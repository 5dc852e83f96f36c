// Remembers which (source, sequence) pairs a sink has stored, so that records re-sent after a
// restart are stored exactly once. Per source: a floor below which every sequence was seen, plus
// the sparse set above it; memory stays small when sequences arrive nearly in order.
//
//   Deduplicator d;
//   if (d.insert("felix-sim-0", 41)) store(record); else count_duplicate();
//
// Not thread-safe (owned by the sink's receive thread). Rebuilt at start from existing segments.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace daqz {

class Deduplicator {
 public:
  // True if (source, sequence) is new (and records it); false for a duplicate.
  bool insert(const std::string& source, uint64_t sequence) {
    Window& w = sources_[source];
    if (sequence < w.floor || !w.above.insert(sequence).second) return false;
    while (!w.above.empty() && *w.above.begin() == w.floor) {
      w.above.erase(w.above.begin());
      ++w.floor;
    }
    return true;
  }
  bool contains(const std::string& source, uint64_t sequence) const {
    auto it = sources_.find(source);
    return it != sources_.end() && (sequence < it->second.floor || it->second.above.count(sequence));
  }
  // Sequences known for a source: the contiguous floor and how many lie above it.
  uint64_t floor(const std::string& source) const {
    auto it = sources_.find(source);
    return it == sources_.end() ? 0 : it->second.floor;
  }
  size_t sources() const { return sources_.size(); }

 private:
  struct Window {
    uint64_t floor = 0;
    std::set<uint64_t> above;
  };
  std::map<std::string, Window> sources_;
};

}  // namespace daqz
