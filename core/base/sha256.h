// SHA-256 (FIPS 180-4, own implementation: see sha256.cpp) of buffers and files, as lowercase hex. Identifies model weights in
// encoded records and model cards. Thread-safe. Throws std::runtime_error if a file can't be read.
#pragma once

#include <cstddef>
#include <string>

namespace daqz {

std::string sha256_hex(const void* data, size_t size);
std::string sha256_file_hex(const std::string& path);

}  // namespace daqz
