# Finds every third-party dependency; each failure names the Debian package to install
# (deploy/setup.sh installs them all).
#
# DAQZ_TORCH_ONLY=ON (GPU machines) needs LibTorch and a folder of header-only libraries
# (DAQZ_HEADERS_DIR: spdlog, fmt, CLI11, nlohmann-json, as tools/copy_header_deps.sh makes it) and
# nothing else: no ZeroMQ, Protobuf, HDF5, zstd, ZFP or Prometheus.

macro(daqz_require found_var what package)
  if(NOT ${found_var})
    message(FATAL_ERROR "daqz: ${what} not found. Install the Debian package '${package}' "
                        "(or run deploy/setup.sh, which installs every dependency).")
  endif()
endmacro()

find_package(Threads REQUIRED)

# LibTorch: Debian's libtorch-dev (CPU) by default; a CUDA-enabled PyTorch install is used by
# passing -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)').
find_package(Torch QUIET CONFIG)
daqz_require(Torch_FOUND "LibTorch" "libtorch-dev")
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(DAQZ_HAVE_CUDA ON)
else()
  set(DAQZ_HAVE_CUDA OFF)
endif()
message(STATUS "daqz: LibTorch ${Torch_VERSION}, CUDA support: ${DAQZ_HAVE_CUDA}")

# Header-only libraries every layer may use, behind one target.
add_library(daqz_header_deps INTERFACE)
add_library(daqz::header_deps ALIAS daqz_header_deps)

if(DAQZ_TORCH_ONLY)
  set(DAQZ_HEADERS_DIR "" CACHE PATH "Folder holding spdlog/ fmt/ CLI/ nlohmann/ headers (tools/copy_header_deps.sh)")
  if(NOT DAQZ_HEADERS_DIR OR NOT EXISTS "${DAQZ_HEADERS_DIR}/spdlog/spdlog.h")
    message(FATAL_ERROR "daqz: DAQZ_TORCH_ONLY needs -DDAQZ_HEADERS_DIR=<folder with spdlog/ fmt/ CLI/ nlohmann/>; "
                        "make one on a Debian machine with tools/copy_header_deps.sh <folder>")
  endif()
  target_include_directories(daqz_header_deps SYSTEM INTERFACE ${DAQZ_HEADERS_DIR})
  # Debian's spdlog is configured for an external fmt (tweakme.h): both in header-only mode.
  target_compile_definitions(daqz_header_deps INTERFACE SPDLOG_HEADER_ONLY FMT_HEADER_ONLY)
  set(DAQZ_HAVE_HDF5 OFF)
  return()
endif()

find_package(CLI11 QUIET CONFIG)
daqz_require(CLI11_FOUND "CLI11" "libcli11-dev")
find_package(spdlog QUIET CONFIG)
daqz_require(spdlog_FOUND "spdlog" "libspdlog-dev")
find_package(nlohmann_json QUIET CONFIG)
daqz_require(nlohmann_json_FOUND "nlohmann-json" "nlohmann-json3-dev")
target_link_libraries(daqz_header_deps INTERFACE spdlog::spdlog nlohmann_json::nlohmann_json CLI11::CLI11)

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

find_package(Boost 1.74 QUIET)
daqz_require(Boost_FOUND "Boost (Asio, Beast)" "libboost-dev")
find_package(zfp QUIET)
daqz_require(zfp_FOUND "ZFP" "libzfp-dev")
find_package(prometheus-cpp QUIET CONFIG)
daqz_require(prometheus-cpp_FOUND "prometheus-cpp" "prometheus-cpp-dev")
find_package(HDF5 QUIET COMPONENTS C)
daqz_require(HDF5_FOUND "HDF5" "libhdf5-dev")
set(DAQZ_HAVE_HDF5 ON)
add_library(daqz_hdf5 INTERFACE)
add_library(daqz::hdf5 ALIAS daqz_hdf5)
target_include_directories(daqz_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_link_libraries(daqz_hdf5 INTERFACE ${HDF5_C_LIBRARIES})

if(DAQZ_BUILD_TESTS)
  find_package(GTest QUIET)
  daqz_require(GTest_FOUND "GoogleTest" "libgtest-dev")
endif()
