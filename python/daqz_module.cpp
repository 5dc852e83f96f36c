// daqz._daqz: the compiled half of the Python module `daqz` (python/daqz/__init__.py is the public
// face and documents the API). It binds the project's own C++: the segment reader
// (segment_records.h), the RecordDecoder that `daqz decode` uses (the record's codec, the model found
// by name under the model roots and refused unless its weights' SHA-256 matches the record's), and
// the codec registry for encoding in notebooks.
//
//   import daqz._daqz as m
//   dec = m.Decoder(["deploy/models"])
//   for rec in m.RecordStream("run/segments", dec):
//       wedge = rec.decode()        # numpy uint16 (192, 249, 16); rec.decode(float32=True) for floats
//
// Errors surface as Python exceptions: daqz.CodecError (decode/encode failures, wrong model hash),
// daqz.StorageError (missing or unreadable segments), ValueError for bad arguments.
// Long decodes and encodes release the GIL; a Decoder or Codec serialises its own use with a mutex.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "base/build_info.h"
#include "base/crc32c.h"
#include "codec/codec.h"
#include "codec/jet_schema.h"
#include "codec/model_repository.h"
#include "codec_classic/classic_codecs.h"
#include "codec_classic/record_decoder.h"
#include "codec_torch/neural_codecs.h"
#include "segment_records.h"
#include "storage/file.h"

namespace py = pybind11;

namespace daqz::python {
namespace {

// RecordDecoder is not thread-safe and Python threads may share one: a mutex around it.
class Decoder {
 public:
  Decoder(std::vector<std::string> roots, std::string device, int threads)
      : roots_(roots), decoder_(std::move(roots), std::move(device), threads) {}
  DecodedRecord decode(const EncodedRecord& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    return decoder_.decode(r);
  }
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  std::vector<std::string> roots_;
  std::mutex mutex_;
  RecordDecoder decoder_;
};

// One stored (or freshly encoded) record, with the decoder that will decode it.
struct Record {
  StoredRecord stored;
  std::shared_ptr<Decoder> decoder;

  const EncodedRecord& rec() const { return stored.record; }
  bool is_jets() const { return rec().original_kind == PayloadKind::kJets; }
  uint32_t schema_id() const {
    auto it = rec().params.find("schema_id");
    return it == rec().params.end() ? 0 : uint32_t(std::stoul(it->second));
  }
};

py::array wedge_array(const Reconstruction& w, bool as_float) {
  const std::vector<py::ssize_t> shape = {py::ssize_t(w.shape.azimuth), py::ssize_t(w.shape.time),
                                          py::ssize_t(w.shape.layer)};
  if (as_float) {
    py::array_t<float> a(shape);
    std::memcpy(a.mutable_data(), w.adc.data(), w.adc.size() * sizeof(float));
    return std::move(a);
  }
  const DenseWedge d = w.rounded();
  py::array_t<uint16_t> a(shape);
  std::memcpy(a.mutable_data(), d.adc.data(), d.adc.size() * sizeof(uint16_t));
  return std::move(a);
}

py::array jet_array(const JetBatch& b) {
  py::array_t<float> a({py::ssize_t(b.n), py::ssize_t(b.f)});
  std::memcpy(a.mutable_data(), b.values.data(), b.values.size() * sizeof(float));
  return std::move(a);
}

py::array decode_record(const Record& r, bool as_float) {
  if (!r.decoder) throw std::invalid_argument("this record has no decoder (construct it through daqz)");
  DecodedRecord d;
  {
    py::gil_scoped_release release;
    d = r.decoder->decode(r.rec());
  }
  return d.kind == PayloadKind::kWedge ? wedge_array(d.wedge, as_float) : jet_array(d.jets);
}

std::vector<std::string> feature_names(uint32_t schema_id) {
  if (schema_id == kJetSchemaUnknown) return {};
  return jet_schema(schema_id).names();
}

// Records of a segment folder, read lazily (one segment open at a time).
class RecordStream {
 public:
  RecordStream(const std::string& path, std::shared_ptr<Decoder> decoder, bool strict)
      : stream_(path, strict), decoder_(std::move(decoder)) {}
  Record next() {
    std::optional<StoredRecord> s;
    {
      py::gil_scoped_release release;
      s = stream_.next();
    }
    if (!s) throw py::stop_iteration();
    return Record{std::move(*s), decoder_};
  }
  const std::vector<std::string>& segments() const { return stream_.segments(); }
  py::list damage() const {
    py::list out;
    for (const auto& d : stream_.damage())
      out.append(py::dict(py::arg("segment") = d.segment, py::arg("offset") = d.offset, py::arg("bytes") = d.bytes,
                          py::arg("reason") = d.reason));
    return out;
  }

 private:
  SegmentRecordStream stream_;
  std::shared_ptr<Decoder> decoder_;
};

// A codec built once (neural codecs load their weights here) to encode many arrays.
class Codec {
 public:
  Codec(const std::string& codec_id, const std::string& model_dir, const std::map<std::string, std::string>& params,
        const std::string& device, int threads, std::shared_ptr<Decoder> decoder)
      : id_(codec_id), decoder_(std::move(decoder)) {
    CodecOptions o;
    o.model_dir = model_dir;
    o.params = params;
    o.device = device;
    o.intra_op_threads = threads;
    const auto wedge_ids = known_wedge_codecs();
    if (std::find(wedge_ids.begin(), wedge_ids.end(), codec_id) != wedge_ids.end())
      wedge_ = make_wedge_codec(codec_id, o);
    else
      jets_ = make_jet_codec(codec_id, o);  // throws CodecError naming the known codecs
  }

  Record encode(const py::array& input, const std::string& source, uint64_t run, uint64_t sequence,
                uint32_t schema_id) {
    Record r;
    r.decoder = decoder_;
    r.stored.key = {source, run, sequence};
    if (wedge_) {
      auto a = py::array_t<uint16_t, py::array::c_style | py::array::forcecast>::ensure(input);
      if (!a || a.ndim() != 3)
        throw std::invalid_argument("codec '" + id_ + "' encodes wedges: a uint16 array (azimuth, time, layer)");
      DenseWedge w(WedgeShape{uint32_t(a.shape(0)), uint32_t(a.shape(1)), uint32_t(a.shape(2))});
      std::memcpy(w.adc.data(), a.data(), w.adc.size() * sizeof(uint16_t));
      zero_suppress(w);  // what the readout sends, and what every wedge codec expects
      const SparseWedge sparse = to_sparse(w);
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      r.stored.record = wedge_->encode({&sparse}).at(0);
    } else {
      auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(input);
      if (!a || a.ndim() != 2) throw std::invalid_argument("codec '" + id_ + "' encodes jets: a float32 array (n, f)");
      JetBatch b;
      b.n = uint32_t(a.shape(0));
      b.f = uint32_t(a.shape(1));
      b.schema_id = schema_id;
      if (b.schema_id == kJetSchemaUnknown)
        for (uint32_t id : known_jet_schemas())
          if (jet_schema(id).size() == b.f) b.schema_id = id;
      b.values.assign(a.data(), a.data() + a.size());
      validate_jet_batch(b);
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      r.stored.record = jets_->encode(b);
    }
    r.stored.payload_crc32c = crc32c(r.rec().bytes.data(), r.rec().bytes.size());
    return r;
  }

  py::dict descriptor() const {
    const CodecDescriptor& d = wedge_ ? wedge_->descriptor() : jets_->descriptor();
    return py::dict(py::arg("codec") = d.codec_id, py::arg("model") = d.model_name,
                    py::arg("model_version") = d.model_version, py::arg("weights_sha256") = d.weights_sha256);
  }

 private:
  std::string id_;
  std::shared_ptr<Decoder> decoder_;
  std::mutex mutex_;
  std::unique_ptr<WedgeCodec> wedge_;
  std::unique_ptr<JetCodec> jets_;
};

std::string record_repr(const Record& r) {
  const EncodedRecord& e = r.rec();
  std::string model = e.model_name.empty() ? "" : ", model=" + e.model_name + "@" + e.model_version;
  return "<daqz.Record " + std::string(r.is_jets() ? "jets" : "wedge") + " source='" + r.stored.key.source +
         "' run=" + std::to_string(r.stored.key.run) + " sequence=" + std::to_string(r.stored.key.sequence) +
         " codec=" + e.codec_id + model + ", " + std::to_string(e.bytes.size()) + " bytes>";
}

}  // namespace
}  // namespace daqz::python

PYBIND11_MODULE(_daqz, m) {
  using namespace daqz;
  using namespace daqz::python;
  m.doc() = "Compiled half of the daqz Python module (see daqz/__init__.py)";
  register_classic_codecs();
  register_neural_codecs();

  static py::exception<CodecError> codec_error(m, "CodecError", PyExc_RuntimeError);
  static py::exception<StorageError> storage_error(m, "StorageError", PyExc_OSError);
  static py::exception<ModelCardError> model_error(m, "ModelError", PyExc_LookupError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CodecError& e) {
      codec_error(e.what());
    } catch (const StorageError& e) {
      storage_error(e.what());
    } catch (const ModelCardError& e) {
      model_error(e.what());
    }
  });

  m.attr("__version__") = build_info().version;
  m.def("build_info", &build_info_string, "Version, git hash, LibTorch and CUDA of this build");
  m.def("wedge_codecs", &known_wedge_codecs, "Registered wedge codec ids");
  m.def("jet_codecs", &known_jet_codecs, "Registered jet codec ids");
  m.def("feature_names", &feature_names, py::arg("schema_id"), "Column names of a jet feature schema");
  m.def("find_model", [](const std::string& name, const std::vector<std::string>& roots) {
        return ModelRepository(roots).resolve(name).dir; }, py::arg("name"), py::arg("roots"),
        "The directory of model `name` under the roots (raises daqz.ModelError)");

  py::class_<Decoder, std::shared_ptr<Decoder>>(m, "Decoder")
      .def(py::init<std::vector<std::string>, std::string, int>(), py::arg("model_roots"),
           py::arg("device") = "cpu", py::arg("threads") = 1)
      .def_property_readonly("model_roots", &Decoder::roots);

  py::class_<Record>(m, "Record")
      .def_property_readonly("source", [](const Record& r) { return r.stored.key.source; })
      .def_property_readonly("run", [](const Record& r) { return r.stored.key.run; })
      .def_property_readonly("sequence", [](const Record& r) { return r.stored.key.sequence; })
      .def_property_readonly("key", [](const Record& r) {
        return py::make_tuple(r.stored.key.source, r.stored.key.run, r.stored.key.sequence); })
      .def_property_readonly("kind", [](const Record& r) { return r.is_jets() ? "jets" : "wedge"; })
      .def_property_readonly("codec", [](const Record& r) { return r.rec().codec_id; })
      .def_property_readonly("model", [](const Record& r) { return r.rec().model_name; })
      .def_property_readonly("model_version", [](const Record& r) { return r.rec().model_version; })
      .def_property_readonly("weights_sha256", [](const Record& r) { return r.rec().weights_sha256; })
      .def_property_readonly("params", [](const Record& r) { return r.rec().params; })
      .def_property_readonly("latent_shape", [](const Record& r) { return r.rec().latent_shape; })
      .def_property_readonly("original_shape", [](const Record& r) { return r.rec().original_shape; })
      .def_property_readonly("original_bytes", [](const Record& r) { return r.rec().original_bytes; })
      .def_property_readonly("stored_bytes", [](const Record& r) { return r.rec().bytes.size(); })
      .def_property_readonly("ratio", [](const Record& r) {
        return r.rec().bytes.empty() ? 0.0 : double(r.rec().original_bytes) / double(r.rec().bytes.size()); })
      .def_property_readonly("payload", [](const Record& r) {
        return py::bytes(reinterpret_cast<const char*>(r.rec().bytes.data()), r.rec().bytes.size()); })
      .def_property_readonly("payload_crc32c", [](const Record& r) { return r.stored.payload_crc32c; })
      .def_property_readonly("segment", [](const Record& r) { return r.stored.segment; })
      .def_property_readonly("timestamp_ns", [](const Record& r) { return r.stored.timestamp_ns; })
      .def_property_readonly("feature_schema_id", &Record::schema_id)
      .def_property_readonly("feature_names", [](const Record& r) { return feature_names(r.schema_id()); })
      .def("decode", &decode_record, py::arg("float32") = false,
           "numpy array: a wedge as uint16 (azimuth, time, layer), rounded and clamped as `daqz decode` "
           "writes it, or float32 reconstruction with float32=True; jets as float32 (n, f)")
      .def("__repr__", &record_repr);

  py::class_<RecordStream>(m, "RecordStream")
      .def(py::init<const std::string&, std::shared_ptr<Decoder>, bool>(), py::arg("path"), py::arg("decoder"),
           py::arg("strict") = false)
      .def("__iter__", [](RecordStream& s) -> RecordStream& { return s; })
      .def("__next__", &RecordStream::next)
      .def_property_readonly("segments", &RecordStream::segments)
      .def_property_readonly("damage", &RecordStream::damage);

  py::class_<Codec>(m, "Codec")
      .def(py::init<const std::string&, const std::string&, const std::map<std::string, std::string>&,
                    const std::string&, int, std::shared_ptr<Decoder>>(),
           py::arg("codec"), py::arg("model_dir") = "", py::arg("params") = std::map<std::string, std::string>{},
           py::arg("device") = "cpu", py::arg("threads") = 1, py::arg("decoder") = nullptr)
      .def("encode", &Codec::encode, py::arg("array"), py::arg("source") = "python", py::arg("run") = 0,
           py::arg("sequence") = 0, py::arg("schema_id") = 0)
      .def_property_readonly("descriptor", &Codec::descriptor);
}
