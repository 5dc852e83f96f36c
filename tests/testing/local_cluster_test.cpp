// A real daqz-sink, daqz-ingest and daqz-felix-sim (from the bin folder beside this test) started,
// fed, scraped and stopped through LocalCluster; lossless codecs keep it to a few seconds.
#include "testing/local_cluster.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/files.h"
#include "testing/http_client.h"
#include "testing/prometheus_text.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

TEST(LocalCluster, RunsThePipelineEndToEndAndStopsCleanly) {
  testing::TempDir work("cluster");
  ClusterSpec spec;
  spec.work_dir = work.str();
  spec.ingest_args = {"--wedge-codec", "lossless", "--log-level", "warn"};
  spec.sink_args = {"--log-level", "warn"};
  LocalCluster cluster(spec);
  cluster.start_felix({"--count", "30", "--pool", "4", "--stay", "--log-level", "warn"}, /*ack_listen=*/true);
  const double stored = cluster.wait_for_metric(Service::kSink, "daqz_sink_records_stored_total", 30, 120);
  EXPECT_EQ(stored, 30);
  EXPECT_EQ(cluster.wait_for_metric(Service::kIngest, "daqz_ingest_upstream_acks_total", 30, 60), 30)
      << "felix-sim's acknowledgement endpoint is wired";
  EXPECT_GT(prometheus_sum(http_get(cluster.metrics_url(Service::kFelixSim)), "daqz_felix_sim_messages_sent_total"), 0);
  EXPECT_NO_THROW(cluster.check_alive());

  const LocalCluster::ExitCodes rc = cluster.stop();
  EXPECT_EQ(rc.felix, 0) << testing::read_text_file(cluster.log_path(Service::kFelixSim));
  EXPECT_EQ(rc.ingest, 0) << testing::read_text_file(cluster.log_path(Service::kIngest));
  EXPECT_EQ(rc.sink, 0) << testing::read_text_file(cluster.log_path(Service::kSink));
  EXPECT_TRUE(fs::exists(cluster.log_path(Service::kSink)));
  EXPECT_FALSE(fs::is_empty(cluster.segments_dir()));
  const LocalCluster::ExitCodes again = cluster.stop();  // idempotent: the same codes
  EXPECT_EQ(again.ingest, rc.ingest);
}

TEST(LocalCluster, ADeadServiceIsReportedWithItsLog) {
  testing::TempDir work("cluster-dead");
  ClusterSpec spec;
  spec.work_dir = work.str();
  spec.ingest_args = {"--no-such-flag"};  // the ingest node refuses to start
  LocalCluster cluster(spec);
  try {
    cluster.wait_for_metric(Service::kSink, "daqz_sink_records_stored_total", 1, 30);
    FAIL() << "a dead ingest node went unnoticed";
  } catch (const ClusterError& e) {
    EXPECT_NE(std::string(e.what()).find("daqz-ingest exited"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(cluster.log_path(Service::kIngest)), std::string::npos) << e.what();
  }
  EXPECT_NE(testing::read_text_file(cluster.log_path(Service::kIngest)).find("no-such-flag"), std::string::npos);
}

TEST(LocalCluster, AMissingBinFolderFailsUpFront) {
  testing::TempDir work("cluster-nobin");
  ClusterSpec spec;
  spec.work_dir = work.str();
  spec.bin_dir = work.str("nothing-here");
  try {
    LocalCluster cluster(spec);
    FAIL() << "started without binaries";
  } catch (const ClusterError& e) {
    EXPECT_NE(std::string(e.what()).find("daqz-sink"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LocalCluster(ClusterSpec{}), std::invalid_argument) << "no work folder";
}

}  // namespace
}  // namespace daqz
