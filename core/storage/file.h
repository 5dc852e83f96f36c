// The small file interface under every daqz storage file (segments, quarantine), after leveldb's
// Env/WritableFile/SequentialFile: the record log and the segment writer only ever talk to these
// classes, so tests replace them with in-memory or fault-injecting files (ENOSPC, EIO, short writes,
// fsync failures) and check that nothing acknowledged is lost.
//
//   FileSystem& fs = posix_file_system();
//   std::unique_ptr<WritableFile> f = fs.create("data/seg.tmp");   // throws FileError
//   f->append(bytes, n);       // all or throws; after a throw size() says what did reach the file
//   f->append_gathered(pieces, k);   // the same for k buffers in order (one writev on POSIX)
//   f->sync();                 // fdatasync: durable
//   f->truncate(good_size);    // roll back a failed append
//   fs.rename("data/seg.tmp", "data/seg.daqz");  fs.sync_dir("data");
//
// Every failure throws FileError, which carries the errno value (ENOSPC, EIO, ...) and names the
// operation and the path. Files are not thread-safe; posix_file_system() is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace daqz {

// Any storage failure: unreadable file, bad header, failed write.
struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failed system call on a file; code() is the errno value (ENOSPC when the disk is full).
class FileError : public StorageError {
 public:
  FileError(const std::string& operation, const std::string& path, int code);
  int code() const { return code_; }

 private:
  int code_;
};

// A byte range appended by WritableFile::append_gathered.
struct ConstBuffer {
  const void* data;
  size_t size;
};

// An append-only file being written.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all n bytes or throws FileError; after a throw, size() counts the bytes that did land
  // (a short write leaves a prefix), so the caller can roll back with truncate().
  virtual void append(const void* data, size_t n) = 0;
  // Appends the pieces in order, with append()'s contract for their concatenation. The default
  // appends them one by one; the POSIX file hands them to the kernel together (writev), so a batch
  // of records costs one system call and no joining copy.
  virtual void append_gathered(const ConstBuffer* pieces, size_t count) {
    for (size_t i = 0; i < count; ++i) append(pieces[i].data, pieces[i].size);
  }
  // Makes everything appended so far durable (fdatasync). Throws FileError.
  virtual void sync() = 0;
  // Cuts the file to `size` bytes (<= size()); later appends continue from there. Throws FileError.
  virtual void truncate(uint64_t size) = 0;
  virtual uint64_t size() const = 0;
  // Releases the file without syncing; further calls are errors. Idempotent.
  virtual void close() = 0;
  virtual const std::string& path() const = 0;
};

// A file being read from the start; seek() lets a reader go back while resynchronising.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes at the current position; fewer only at the end of the file. Throws FileError.
  virtual size_t read(void* dst, size_t n) = 0;
  virtual void seek(uint64_t offset) = 0;
  // Size when the file was opened (a file still being written may grow later).
  virtual uint64_t size() const = 0;
  virtual const std::string& path() const = 0;
};

// Creates and opens files; the seam where tests inject faults.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // A new empty file (an existing one is truncated).
  virtual std::unique_ptr<WritableFile> create(const std::string& path) = 0;
  // An existing file (created if missing) opened for appending at its end.
  virtual std::unique_ptr<WritableFile> open_append(const std::string& path) = 0;
  virtual std::unique_ptr<SequentialFile> open_read(const std::string& path) = 0;
  virtual void rename(const std::string& from, const std::string& to) = 0;
  // fsync of a folder: makes a creation, rename or removal inside it durable.
  virtual void sync_dir(const std::string& dir) = 0;
  virtual void remove(const std::string& path) = 0;
};

// The real file system (POSIX calls, no user-space buffering). Thread-safe.
FileSystem& posix_file_system();

}  // namespace daqz
