#include "testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace daqz {

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) throw std::invalid_argument("spawn: empty command");
  // Everything the child needs is prepared before fork(): between fork and exec only async-signal-safe
  // calls are allowed (open, dup2, prctl, write, execve, _exit).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  // exec errors come back through a close-on-exec pipe: EOF means the exec succeeded.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("spawn: pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::runtime_error("cannot start '" + argv[0] + "': fork: " + std::strerror(err));
  }
  if (pid == 0) {
    ::close(report[0]);
    // A child must not outlive a parent that dies without cleaning up (SIGKILL, crash): the kernel sends it
    // SIGTERM then, so services drain and stop. The check after prctl closes the race with an early death.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int err = 0;
    if (::getppid() != parent) ::_exit(0);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) {
      err = errno;
    } else {
      ::execve(args[0], args.data(), environ);
      err = errno;
    }
    [[maybe_unused]] const ssize_t n = ::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(report[1]);
  int child_err = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_err, sizeof child_err);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  ChildProcess p;
  p.pid_ = pid;
  if (n == ssize_t(sizeof child_err)) {
    p.reap(true);
    throw std::runtime_error("cannot start '" + argv[0] + "': " + std::strerror(child_err));
  }
  return p;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap(true);
    }
    pid_ = o.pid_;
    exit_code_ = o.exit_code_;
    exited_ = o.exited_;
    o.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
}

bool ChildProcess::reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == 0) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : (WIFSIGNALED(status) ? -WTERMSIG(status) : -1);
  exited_ = true;
  pid_ = -1;
  return true;
}

bool ChildProcess::running() { return !reap(false); }
void ChildProcess::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}
void ChildProcess::kill() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

int ChildProcess::wait(double timeout_s) {
  if (timeout_s < 0) {
    reap(true);
    return exit_code_;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      reap(true);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

std::string executable_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

}  // namespace daqz
