// SystemdNotifier against a fake systemd: a unix datagram socket named by $NOTIFY_SOCKET.
#include "runtime/systemd_notifier.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "runtime/health_state.h"

namespace daqz {
namespace {

class FakeSystemd {
 public:
  FakeSystemd() {
    path_ = (std::filesystem::temp_directory_path() / ("daqz-notify-" + std::to_string(::getpid()))).string();
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof(a.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind " + path_);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~FakeSystemd() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  // Everything received within `seconds`, messages joined.
  std::string receive_for(double seconds) {
    std::string all;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return all;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, int(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) all.append(buf, size_t(n));
    }
  }
  // Waits until a received message contains `what`; returns what was received up to then.
  std::string wait_for(const std::string& what, double timeout_s = 3) {
    std::string all;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (all.find(what) == std::string::npos && std::chrono::steady_clock::now() < end) all += receive_for(0.05);
    return all;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SystemdNotifier, InactiveWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  SystemdNotifier n(std::make_shared<HealthState>("x"));
  EXPECT_FALSE(n.active());
  EXPECT_FALSE(n.notify("READY=1"));
}

TEST(SystemdNotifier, ReportsStartupReadinessWatchdogAndStop) {
  FakeSystemd systemd;
  ::setenv("WATCHDOG_USEC", "200000", 1);  // ping every 0.1 s
  auto health = std::make_shared<HealthState>("daqz-sink");
  health->set_condition("storage_writable", true);
  SystemdNotifier notifier(health, 0.02);
  ASSERT_TRUE(notifier.active());

  std::string got = systemd.wait_for("EXTEND_TIMEOUT_USEC=");
  EXPECT_NE(got.find("STATUS=not ready: state is idle, not running"), std::string::npos) << got;
  EXPECT_EQ(got.find("READY=1"), std::string::npos) << "no READY during start-up";

  health->set_state(DeviceState::kRunning);
  got = systemd.wait_for("READY=1");
  EXPECT_NE(got.find("READY=1"), std::string::npos) << got;
  EXPECT_NE(got.find("STATUS=ready"), std::string::npos) << got;

  health->set_condition("storage_writable", false, "disk full");
  got = systemd.wait_for("STATUS=not ready: storage_writable: disk full");
  EXPECT_NE(got.find("STATUS=not ready: storage_writable: disk full"), std::string::npos) << got;
  got = systemd.receive_for(0.5);
  EXPECT_GE(count(got, "WATCHDOG=1"), 3u) << "pings while alive: " << got;
  EXPECT_EQ(count(got, "READY=1"), 0u) << "READY is sent once";
  EXPECT_EQ(count(got, "STATUS="), 0u) << "STATUS only on change";

  health->set_state(DeviceState::kError);
  systemd.receive_for(0.1);
  got = systemd.receive_for(0.5);
  EXPECT_EQ(count(got, "WATCHDOG=1"), 0u) << "no pings in the error state, so systemd restarts it: " << got;

  health->set_state(DeviceState::kDraining);
  got = systemd.wait_for("STOPPING=1");
  EXPECT_NE(got.find("STOPPING=1"), std::string::npos) << got;
}

}  // namespace
}  // namespace daqz
