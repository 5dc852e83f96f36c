#include "base/npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

namespace daqz {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct DTypeEntry {
  NpyDType type;
  const char* descr;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {NpyDType::kUInt8, "|u1", 1},   {NpyDType::kUInt16, "<u2", 2},  {NpyDType::kInt32, "<i4", 4},
    {NpyDType::kInt64, "<i8", 8},   {NpyDType::kFloat16, "<f2", 2}, {NpyDType::kFloat32, "<f4", 4},
    {NpyDType::kFloat64, "<f8", 8},
};

const DTypeEntry& entry(NpyDType t) {
  for (const auto& e : kDTypes)
    if (e.type == t) return e;
  throw NpyError("npy: unknown dtype");
}

NpyDType dtype_from_descr(const std::string& descr, const std::string& what) {
  for (const auto& e : kDTypes)
    if (descr == e.descr || (e.size == 1 && descr == std::string("<") + (e.descr + 1)))
      return e.type;
  throw NpyError("npy: " + what + " has dtype '" + descr +
                 "'; daqz reads little-endian u1, u2, i4, i8, f2, f4, f8");
}

}  // namespace

size_t npy_dtype_size(NpyDType t) { return entry(t).size; }
const char* npy_dtype_descr(NpyDType t) { return entry(t).descr; }

size_t NpyArray::elements() const {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  return n;
}

NpyArray parse_npy(const void* bytes, size_t size, const std::string& what) {
  const auto* p = static_cast<const uint8_t*>(bytes);
  if (size < 10 || std::memcmp(p, kMagic, 6) != 0)
    throw NpyError("npy: " + what + " is not a .npy file (bad magic)");
  const uint8_t major = p[6];
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = size_t(p[8]) | size_t(p[9]) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw NpyError("npy: " + what + " is truncated in its header");
    header_len = size_t(p[8]) | size_t(p[9]) << 8 | size_t(p[10]) << 16 | size_t(p[11]) << 24;
    header_start = 12;
  } else {
    throw NpyError("npy: " + what + " has unsupported format version " + std::to_string(major));
  }
  if (header_start + header_len > size) throw NpyError("npy: " + what + " is truncated in its header");
  const std::string header(reinterpret_cast<const char*>(p + header_start), header_len);

  static const std::regex descr_re(R"('descr'\s*:\s*'([^']+)')");
  static const std::regex order_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  std::smatch m;
  if (!std::regex_search(header, m, descr_re)) throw NpyError("npy: " + what + " header lacks 'descr'");
  NpyArray a;
  a.dtype = dtype_from_descr(m[1], what);
  if (!std::regex_search(header, m, order_re))
    throw NpyError("npy: " + what + " header lacks 'fortran_order'");
  if (m[1] == "True") throw NpyError("npy: " + what + " is Fortran-ordered; daqz reads C order only");
  if (!std::regex_search(header, m, shape_re)) throw NpyError("npy: " + what + " header lacks 'shape'");
  const std::string dims = m[1];
  static const std::regex int_re(R"(\d+)");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), int_re); it != std::sregex_iterator(); ++it)
    a.shape.push_back(std::stoull(it->str()));

  const size_t need = a.elements() * npy_dtype_size(a.dtype);
  const size_t have = size - header_start - header_len;
  if (have < need)
    throw NpyError("npy: " + what + " holds " + std::to_string(have) + " data bytes, shape needs " +
                   std::to_string(need));
  const uint8_t* data = p + header_start + header_len;
  a.data.assign(data, data + need);
  return a;
}

std::vector<uint8_t> serialize_npy(const NpyArray& a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : (i + 1 < a.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = std::string("{'descr': '") + npy_dtype_descr(a.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary, as NumPy does; header ends in '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::vector<uint8_t> out(kMagic, kMagic + 6);
  out.push_back(1);
  out.push_back(0);
  out.push_back(uint8_t(header.size() & 0xFF));
  out.push_back(uint8_t(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NpyError("npy: cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_npy(bytes.data(), bytes.size(), "'" + path + "'");
}

void write_npy(const std::string& path, const NpyArray& array) {
  const auto bytes = serialize_npy(array);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw NpyError("npy: cannot create '" + path + "'");
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw NpyError("npy: write to '" + path + "' failed");
}

DenseWedge wedge_from_npy(const NpyArray& a, const std::string& what) {
  if (a.dtype != NpyDType::kUInt16)
    throw NpyError("npy: " + what + " has dtype '" + npy_dtype_descr(a.dtype) +
                   "', a wedge must be uint16 ('<u2')");
  if (a.shape.size() != 3)
    throw NpyError("npy: " + what + " has rank " + std::to_string(a.shape.size()) +
                   ", a wedge must be (azimuth, time, layer)");
  DenseWedge w(WedgeShape{uint32_t(a.shape[0]), uint32_t(a.shape[1]), uint32_t(a.shape[2])});
  std::memcpy(w.adc.data(), a.data.data(), a.data.size());
  return w;
}

NpyArray npy_from_wedge(const DenseWedge& w) {
  return NpyArray::make(NpyDType::kUInt16, {w.shape.azimuth, w.shape.time, w.shape.layer},
                        w.adc.data());
}

NpyArray npy_from_floats(const std::vector<float>& values, std::vector<size_t> shape) {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  if (n != values.size()) throw NpyError("npy: shape does not match value count");
  return NpyArray::make(NpyDType::kFloat32, std::move(shape), values.data());
}

}  // namespace daqz
