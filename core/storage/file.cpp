#include "storage/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

namespace daqz {

FileError::FileError(const std::string& operation, const std::string& path, int code)
    : StorageError(operation + " of '" + path + "' failed: " + std::strerror(code)), code_(code) {}

namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override { close(); }

  void append(const void* data, size_t n) override {
    const auto* p = static_cast<const uint8_t*>(data);
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw FileError("write", path_, errno);
      }
      // A short write is not an error by itself: the next write reports the cause (ENOSPC).
      p += w, n -= size_t(w), size_ += uint64_t(w);
    }
  }

  void append_gathered(const ConstBuffer* pieces, size_t count) override {
    std::vector<iovec> iov;
    iov.reserve(count);
    for (size_t i = 0; i < count; ++i)
      if (pieces[i].size) iov.push_back({const_cast<void*>(pieces[i].data), pieces[i].size});
    size_t next = 0;  // first iovec not yet written in full
    while (next < iov.size()) {
      const int n = int(std::min<size_t>(iov.size() - next, IOV_MAX));
      const ssize_t w = ::writev(fd_, iov.data() + next, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw FileError("write", path_, errno);
      }
      if (w == 0) throw FileError("write", path_, EIO);  // no progress on a regular file: never loop on it
      size_ += uint64_t(w);
      // Skip what landed; a short write resumes inside the iovec it stopped in.
      for (size_t left = size_t(w); left > 0 && next < iov.size();) {
        const size_t take = std::min(left, iov[next].iov_len);
        iov[next].iov_base = static_cast<uint8_t*>(iov[next].iov_base) + take;
        iov[next].iov_len -= take;
        left -= take;
        if (iov[next].iov_len == 0) ++next;
      }
    }
  }

  void sync() override {
    if (::fdatasync(fd_) != 0) throw FileError("fsync", path_, errno);
  }

  void truncate(uint64_t size) override {
    if (::ftruncate(fd_, off_t(size)) != 0) throw FileError("truncate", path_, errno);
    // The descriptor's position does not move with ftruncate; O_APPEND is not used so that a
    // rolled-back file continues exactly at the cut.
    if (::lseek(fd_, off_t(size), SEEK_SET) < 0) throw FileError("seek", path_, errno);
    size_ = size;
  }

  uint64_t size() const override { return size_; }

  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixSequentialFile : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  size_t read(void* dst, size_t n) override {
    auto* p = static_cast<uint8_t*>(dst);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::read(fd_, p + got, n - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw FileError("read", path_, errno);
      }
      if (r == 0) break;
      got += size_t(r);
    }
    return got;
  }

  void seek(uint64_t offset) override {
    if (::lseek(fd_, off_t(offset), SEEK_SET) < 0) throw FileError("seek", path_, errno);
  }

  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

uint64_t size_of(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw FileError("stat", path, e);
  }
  return uint64_t(st.st_size);
}

class PosixFileSystem : public FileSystem {
 public:
  std::unique_ptr<WritableFile> create(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw FileError("create", path, errno);
    return std::make_unique<PosixWritableFile>(path, fd, 0);
  }

  std::unique_ptr<WritableFile> open_append(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw FileError("open", path, errno);
    const uint64_t size = size_of(fd, path);
    if (::lseek(fd, off_t(size), SEEK_SET) < 0) {
      const int e = errno;
      ::close(fd);
      throw FileError("seek", path, e);
    }
    return std::make_unique<PosixWritableFile>(path, fd, size);
  }

  std::unique_ptr<SequentialFile> open_read(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw FileError("open", path, errno);
    const uint64_t size = size_of(fd, path);
    return std::make_unique<PosixSequentialFile>(path, fd, size);
  }

  void rename(const std::string& from, const std::string& to) override {
    if (std::rename(from.c_str(), to.c_str()) != 0) throw FileError("rename to '" + to + "'", from, errno);
  }

  void sync_dir(const std::string& dir) override {
    const std::string d = dir.empty() ? "." : dir;
    const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw FileError("open folder", d, errno);
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) throw FileError("fsync of folder", d, e);
  }

  void remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw FileError("remove", path, errno);
  }
};

}  // namespace

FileSystem& posix_file_system() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace daqz
