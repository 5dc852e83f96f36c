# Finds every third-party dependency; each failure names the Debian package to install
# (deploy/setup.sh installs them all).

macro(daqz_require found_var what package)
  if(NOT ${found_var})
    message(FATAL_ERROR "daqz: ${what} not found. Install the Debian package '${package}' "
                        "(or run deploy/setup.sh, which installs every dependency).")
  endif()
endmacro()

find_package(Threads REQUIRED)

find_package(Protobuf QUIET)
daqz_require(Protobuf_FOUND "Protobuf" "libprotobuf-dev protobuf-compiler")
if(NOT Protobuf_PROTOC_EXECUTABLE)
  message(FATAL_ERROR "daqz: protoc not found. Install the Debian package 'protobuf-compiler'.")
endif()

find_package(PkgConfig QUIET)
daqz_require(PkgConfig_FOUND "pkg-config" "pkg-config")
pkg_check_modules(ZMQ QUIET IMPORTED_TARGET libzmq)
daqz_require(ZMQ_FOUND "ZeroMQ (libzmq)" "libzmq3-dev")
find_path(CPPZMQ_INCLUDE_DIR zmq.hpp)
daqz_require(CPPZMQ_INCLUDE_DIR "cppzmq (zmq.hpp)" "cppzmq-dev")
pkg_check_modules(ZSTD QUIET IMPORTED_TARGET libzstd)
daqz_require(ZSTD_FOUND "zstd" "libzstd-dev")
pkg_check_modules(LZ4 QUIET IMPORTED_TARGET liblz4)
daqz_require(LZ4_FOUND "lz4" "liblz4-dev")
pkg_check_modules(PNG QUIET IMPORTED_TARGET libpng)
daqz_require(PNG_FOUND "libpng" "libpng-dev")

find_package(Boost 1.74 QUIET)
daqz_require(Boost_FOUND "Boost (Asio)" "libboost-dev")
find_package(zfp QUIET)
daqz_require(zfp_FOUND "ZFP" "libzfp-dev")
find_package(prometheus-cpp QUIET CONFIG)
daqz_require(prometheus-cpp_FOUND "prometheus-cpp" "prometheus-cpp-dev")
find_package(CLI11 QUIET CONFIG)
daqz_require(CLI11_FOUND "CLI11" "libcli11-dev")
find_package(spdlog QUIET CONFIG)
daqz_require(spdlog_FOUND "spdlog" "libspdlog-dev")
find_package(nlohmann_json QUIET CONFIG)
daqz_require(nlohmann_json_FOUND "nlohmann-json" "nlohmann-json3-dev")
find_package(HDF5 QUIET COMPONENTS C)
daqz_require(HDF5_FOUND "HDF5" "libhdf5-dev")

# LibTorch: Debian's libtorch-dev (CPU) by default; a CUDA-enabled PyTorch install is used by
# passing -DCMAKE_PREFIX_PATH=$(python -c 'import torch;print(torch.utils.cmake_prefix_path)').
find_package(Torch QUIET CONFIG)
daqz_require(Torch_FOUND "LibTorch" "libtorch-dev")
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(DAQZ_HAVE_CUDA ON)
else()
  set(DAQZ_HAVE_CUDA OFF)
endif()
message(STATUS "daqz: LibTorch ${Torch_VERSION}, CUDA support: ${DAQZ_HAVE_CUDA}")

if(DAQZ_BUILD_TESTS)
  find_package(GTest QUIET)
  daqz_require(GTest_FOUND "GoogleTest" "libgtest-dev")
endif()
if(DAQZ_BUILD_BENCH)
  find_package(benchmark QUIET)
  daqz_require(benchmark_FOUND "Google Benchmark" "libbenchmark-dev")
endif()

find_package(OpenSSL QUIET)
daqz_require(OPENSSL_FOUND "OpenSSL (SHA-256 of model weights)" "libssl-dev")
