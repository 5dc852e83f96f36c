// The identity of a record end to end: (source, run, sequence). A source restarts its sequence at 0
// with every run (a detector run, a felix-sim start), so (source, sequence) alone is ambiguous.
// Records written before runs existed carry run 0.
//
//   RecordKey k = RecordKey::of(message.envelope);
//   std::map<RecordKey, Entry> pending;                  // ordered by source, run, sequence
//   write_npy(dir + "/" + record_file_stem(k) + ".npy", ...);
//
// Plain value type; thread-safe as any const value.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include "daqz.pb.h"

namespace daqz {

struct RecordKey {
  std::string source;
  uint64_t run = 0;
  uint64_t sequence = 0;

  static RecordKey of(const wire::Envelope& e) { return {e.source_id(), e.run(), e.sequence()}; }
  static RecordKey of(const wire::AckEntry& a) { return {a.source_id(), a.run(), a.sequence()}; }

  bool operator<(const RecordKey& o) const {
    return std::tie(source, run, sequence) < std::tie(o.source, o.run, o.sequence);
  }
  bool operator==(const RecordKey& o) const {
    return sequence == o.sequence && run == o.run && source == o.source;
  }
  bool operator!=(const RecordKey& o) const { return !(*this == o); }

  // "felix-sim-0 run 1718000000000 sequence 17", for log messages.
  std::string str() const {
    return "'" + source + "' run " + std::to_string(run) + " sequence " + std::to_string(sequence);
  }
};

// The file name stem of a record's .npy (felix-sim --dump, daqz decode): "<source>_<sequence>" for
// run 0, so that data written before runs existed keeps its names, "<source>_r<run>_<sequence>" otherwise.
inline std::string record_file_stem(const RecordKey& k) {
  if (k.run == 0) return k.source + "_" + std::to_string(k.sequence);
  return k.source + "_r" + std::to_string(k.run) + "_" + std::to_string(k.sequence);
}

}  // namespace daqz
