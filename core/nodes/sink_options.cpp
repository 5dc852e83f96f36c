// The sink's flags, bound to a SinkConfig (the shared ones: runtime/node_options.h).
#include <CLI/CLI.hpp>

#include "nodes/sink_node.h"

namespace daqz {

void add_sink_options(CLI::App& app, SinkConfig& c) {
  app.add_option("--out", c.out_dir, "Folder of segment files")->capture_default_str();
  app.add_option("--segment-bytes", c.segment_bytes, "Rotate segments at this size")->capture_default_str();
  app.add_option("--segment-seconds", c.segment_seconds, "Rotate segments at this age")->capture_default_str();
  app.add_option("--fsync", c.fsync, "never, record, rotate or interval")->capture_default_str()
      ->check(CLI::IsMember({"never", "record", "rotate", "interval"}));
  app.add_option("--fsync-interval", c.fsync_interval_s, "Seconds between fsyncs (policy interval)")->capture_default_str();
  app.add_option("--ack-interval-ms", c.ack_interval_ms, "Acknowledge (after fsync) at most this often")->capture_default_str();
  app.add_option("--write-batch", c.write_batch_records,
                 "Records taken from the socket and written with one system call, at most")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--write-batch-bytes", c.write_batch_bytes, "... or this many payload bytes, whichever comes first")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--min-free-bytes", c.min_free_bytes, "Not ready (/readyz 503) below this free space in --out")
      ->capture_default_str();
  app.add_option("--disk-check-interval", c.disk_check_interval_s, "Seconds between free-space checks of --out")
      ->capture_default_str();
  app.add_option("--quarantine", c.quarantine_path, "File keeping the raw bytes of rejected frames")->capture_default_str();
  app.add_option("--dedup-window", c.dedup.window, "Sequences per (source, run) the duplicate check remembers")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--dedup-max-runs", c.dedup.max_runs_per_source, "Runs per source the duplicate check keeps")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--dedup-run-idle", c.dedup.run_idle_seconds, "Forget a run not seen for this long (s)")
      ->capture_default_str();
  app.add_option("--retry-initial", c.retry.initial_s, "First retry of a failing disk after this long (s); doubles")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--retry-max", c.retry.max_s, "Longest wait between retries of a failing disk (s)")->capture_default_str();
  app.add_option("--drain-retry", c.drain_retry_s, "On SIGTERM, keep retrying a failing disk this long (s)")
      ->capture_default_str();
}

}  // namespace daqz
