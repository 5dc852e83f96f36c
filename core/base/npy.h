// NumPy .npy read/write (format versions 1.0-3.0, little-endian, C order) for the dtypes daqz
// exchanges: uint16 (wedges), float32 (codes, reconstructions, jets), float16 (latents), plus
// uint8/int32/int64/float64 on read.
//
//   NpyArray a = read_npy("wedge.npy");                 // throws NpyError on anything malformed
//   DenseWedge w = wedge_from_npy(a);                    // checks dtype uint16 and rank 3
//   write_npy("out.npy", npy_from_wedge(w));
//
// Plain value types and free functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/wedge.h"

namespace daqz {

struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class NpyDType { kUInt8, kUInt16, kInt32, kInt64, kFloat16, kFloat32, kFloat64 };

size_t npy_dtype_size(NpyDType t);
const char* npy_dtype_descr(NpyDType t);  // "<u2", "<f4", ...

struct NpyArray {
  NpyDType dtype = NpyDType::kFloat32;
  std::vector<size_t> shape;
  std::vector<uint8_t> data;  // raw little-endian, C order

  size_t elements() const;
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(data.data()); }
  template <typename T>
  T* as() { return reinterpret_cast<T*>(data.data()); }

  template <typename T>
  static NpyArray make(NpyDType dtype, std::vector<size_t> shape, const T* values);
};

NpyArray parse_npy(const void* bytes, size_t size, const std::string& what = "buffer");
std::vector<uint8_t> serialize_npy(const NpyArray& array);
NpyArray read_npy(const std::string& path);
void write_npy(const std::string& path, const NpyArray& array);

// Wedge <-> npy. wedge_from_npy requires uint16 and rank 3; values are taken as they are
// (call zero_suppress() to apply the readout threshold).
DenseWedge wedge_from_npy(const NpyArray& array, const std::string& what = "array");
NpyArray npy_from_wedge(const DenseWedge& wedge);
// float32 npy (e.g. a reconstruction) of a wedge shape.
NpyArray npy_from_floats(const std::vector<float>& values, std::vector<size_t> shape);

template <typename T>
NpyArray NpyArray::make(NpyDType dtype, std::vector<size_t> shape, const T* values) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  const auto* src = reinterpret_cast<const uint8_t*>(values);
  a.data.assign(src, src + a.elements() * npy_dtype_size(dtype));
  return a;
}

}  // namespace daqz
