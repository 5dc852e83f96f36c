// Test files for the storage layer, behind the file interface of core/storage/file.h:
// - MemoryFile: the bytes of a file kept in memory, with a writable and a readable view;
// - FaultPlan + FaultyFileSystem: real files in a temporary folder whose writes, fsyncs, truncates
//   and folder fsyncs fail on cue (ENOSPC, EIO, short writes), like a disk that fills up or breaks.
//
//   FaultPlan plan;
//   plan.fail_write_at = 1000;          // the write carrying the 1000th byte fails after 1000 bytes
//   plan.persistent = true;             // ... and so does every write after it, until disarm()
//   FaultyFileSystem fs(plan);
//   SegmentWriterConfig cfg;  cfg.fs = &fs;
//
// Not thread-safe; for tests only.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "storage/file.h"

namespace daqz::testing {

// ---- in memory --------------------------------------------------------------------------------

struct MemoryFile {
  std::string path = "memory";
  std::vector<uint8_t> bytes;
};

class MemoryWritableFile : public WritableFile {
 public:
  explicit MemoryWritableFile(std::shared_ptr<MemoryFile> f) : f_(std::move(f)) {}
  void append(const void* data, size_t n) override {
    const auto* p = static_cast<const uint8_t*>(data);
    f_->bytes.insert(f_->bytes.end(), p, p + n);
  }
  void sync() override {}
  void truncate(uint64_t size) override { f_->bytes.resize(size_t(size)); }
  uint64_t size() const override { return f_->bytes.size(); }
  void close() override {}
  const std::string& path() const override { return f_->path; }

 private:
  std::shared_ptr<MemoryFile> f_;
};

class MemorySequentialFile : public SequentialFile {
 public:
  explicit MemorySequentialFile(std::shared_ptr<MemoryFile> f) : f_(std::move(f)), size_(f_->bytes.size()) {}
  size_t read(void* dst, size_t n) override {
    const size_t k = pos_ >= size_ ? 0 : std::min<size_t>(n, size_t(size_ - pos_));
    if (k) std::memcpy(dst, f_->bytes.data() + pos_, k);
    pos_ += k;
    return k;
  }
  void seek(uint64_t offset) override { pos_ = offset; }
  uint64_t size() const override { return size_; }
  const std::string& path() const override { return f_->path; }

 private:
  std::shared_ptr<MemoryFile> f_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

// ---- faults -----------------------------------------------------------------------------------

struct FaultPlan {
  // Byte counts are over every byte appended through the plan, all files together.
  int64_t fail_write_at = -1;   // the write reaching this byte lands only the bytes before it, then fails
  int write_errno = ENOSPC;
  int64_t fail_sync_number = -1;  // the n-th file fsync (0-based, all files) fails
  int sync_errno = EIO;
  int64_t fail_dir_sync_number = -1;  // the n-th folder fsync fails
  bool fail_truncate = false;     // every truncate fails (a roll-back cannot happen)
  bool persistent = false;        // once a write or fsync failed, all of them fail until disarm()

  uint64_t bytes_appended = 0, syncs = 0, dir_syncs = 0, failures = 0;
  bool tripped = false;

  void disarm() {
    fail_write_at = fail_sync_number = fail_dir_sync_number = -1;
    fail_truncate = false;
    tripped = false;
  }
};

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(std::unique_ptr<WritableFile> inner, FaultPlan& plan) : inner_(std::move(inner)), plan_(plan) {}
  void append(const void* data, size_t n) override {
    const int64_t at = int64_t(plan_.bytes_appended);
    size_t land = n;
    bool fail = plan_.persistent && plan_.tripped;
    if (fail) land = 0;
    if (!fail && plan_.fail_write_at >= at && plan_.fail_write_at < at + int64_t(n))
      fail = true, land = size_t(plan_.fail_write_at - at);
    if (land) inner_->append(data, land);
    plan_.bytes_appended += land;
    if (fail) {
      plan_.tripped = true;
      ++plan_.failures;
      plan_.fail_write_at = -1;
      throw FileError("write", path(), plan_.write_errno);
    }
  }
  void sync() override {
    const bool fail = (plan_.persistent && plan_.tripped) || int64_t(plan_.syncs) == plan_.fail_sync_number;
    ++plan_.syncs;
    if (fail) {
      plan_.tripped = true;
      ++plan_.failures;
      throw FileError("fsync", path(), plan_.sync_errno);
    }
    inner_->sync();
  }
  void truncate(uint64_t size) override {
    if (plan_.fail_truncate) throw FileError("truncate", path(), EIO);
    inner_->truncate(size);
  }
  uint64_t size() const override { return inner_->size(); }
  void close() override { inner_->close(); }
  const std::string& path() const override { return inner_->path(); }

 private:
  std::unique_ptr<WritableFile> inner_;
  FaultPlan& plan_;
};

// Real files (posix_file_system()) whose writable handles follow the plan.
class FaultyFileSystem : public FileSystem {
 public:
  explicit FaultyFileSystem(FaultPlan& plan) : plan_(plan) {}
  std::unique_ptr<WritableFile> create(const std::string& path) override {
    return std::make_unique<FaultyWritableFile>(posix_file_system().create(path), plan_);
  }
  std::unique_ptr<WritableFile> open_append(const std::string& path) override {
    return std::make_unique<FaultyWritableFile>(posix_file_system().open_append(path), plan_);
  }
  std::unique_ptr<SequentialFile> open_read(const std::string& path) override {
    return posix_file_system().open_read(path);
  }
  void rename(const std::string& from, const std::string& to) override { posix_file_system().rename(from, to); }
  void sync_dir(const std::string& dir) override {
    const bool fail = (plan_.persistent && plan_.tripped) || int64_t(plan_.dir_syncs) == plan_.fail_dir_sync_number;
    ++plan_.dir_syncs;
    if (fail) {
      plan_.tripped = true;
      ++plan_.failures;
      throw FileError("fsync of folder", dir, plan_.sync_errno);
    }
    posix_file_system().sync_dir(dir);
  }
  void remove(const std::string& path) override { posix_file_system().remove(path); }

 private:
  FaultPlan& plan_;
};

}  // namespace daqz::testing
