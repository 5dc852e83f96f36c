# install() rules (FHS places under any prefix, GNUInstallDirs) and the CPack .deb packages.
#
#   cmake --install build --prefix /opt/daqz        # everything but /etc/daqz (see below)
#   (cd build && cpack -G DEB)                      # daqz_<version>_<arch>.deb, daqz-models_<version>_all.deb
#
# Components -> packages:
#   runtime   -> daqz         bin/daqz*, the Python module (lib/python3/dist-packages/daqz), systemd units
#                             (lib/systemd/system), sysusers (lib/sysusers.d), example configs, Grafana
#                             dashboard and Prometheus configs/rules (share/daqz/...)
#   conffiles -> daqz         /etc/daqz/*.json, the configs the systemd units read (dpkg conffiles).
#                             An absolute path, so it is left out of a plain `cmake --install` (EXCLUDE_FROM_ALL):
#                             a user installing under a prefix does not need root for /etc.
#   models    -> daqz-models  share/daqz/models/<name>/ (model cards and weights; architecture-independent)
# Installed binaries find their models at <bin>/../share/daqz/models (core/base/install_paths.h), so an
# install or an unpacked package works wherever its prefix is.
include(GNUInstallDirs)

install(TARGETS daqz daqz-ingest daqz-sink daqz-felix-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

set(DAQZ_SHARE ${CMAKE_INSTALL_DATADIR}/daqz)
file(GLOB DAQZ_CONFIGS ${CMAKE_SOURCE_DIR}/deploy/configs/*.json)
install(FILES ${DAQZ_CONFIGS} DESTINATION ${DAQZ_SHARE}/configs COMPONENT runtime)
install(FILES ${DAQZ_CONFIGS} DESTINATION /etc/daqz COMPONENT conffiles EXCLUDE_FROM_ALL)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/grafana/daqz-dashboard.json DESTINATION ${DAQZ_SHARE}/grafana COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/prometheus/daqz-alerts.yml ${CMAKE_SOURCE_DIR}/deploy/prometheus/prometheus.yml
              ${CMAKE_SOURCE_DIR}/deploy/prometheus/prometheus-kubernetes.yml
        DESTINATION ${DAQZ_SHARE}/prometheus COMPONENT runtime)
file(GLOB DAQZ_UNITS ${CMAKE_SOURCE_DIR}/deploy/systemd/*.service ${CMAKE_SOURCE_DIR}/deploy/systemd/*.target)
install(FILES ${DAQZ_UNITS} DESTINATION lib/systemd/system COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/daqz.sysusers.conf DESTINATION lib/sysusers.d
        RENAME daqz.conf COMPONENT runtime)
# Model directories only (model.json + weights), not the training leftovers a folder might hold.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/deploy/models/ DESTINATION ${DAQZ_SHARE}/models COMPONENT models
        FILES_MATCHING PATTERN "model.json" PATTERN "*.pt")

# ---- CPack: two Debian packages ------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME daqz)
set(CPACK_PACKAGE_VENDOR "daqz")
set(CPACK_PACKAGE_CONTACT "daqz maintainers <daqz@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "streaming neural compression for detector readout")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime conffiles models)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/daqz")

# daqz: the shared libraries the binaries and the module load (dpkg-shlibdeps: libtorch1.13,
# libzmq5, libprotobuf32, libhdf5, libzstd, ...); the rest is optional (no systemd in a container image).
set(CPACK_DEBIAN_DAQZ_PACKAGE_NAME daqz)
set(CPACK_DEBIAN_DAQZ_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DAQZ_PACKAGE_RECOMMENDS "daqz-models (= ${PROJECT_VERSION}-1), python3 (>= 3.11), python3 (<< 3.12), python3-numpy, libopenblas0-openmp")
set(CPACK_DEBIAN_DAQZ_PACKAGE_SUGGESTS "python3-matplotlib, python3-h5py, prometheus, grafana")
set(CPACK_DEBIAN_DAQZ_DESCRIPTION "daqz: streaming neural compression for detector readout
 Ingest nodes, storage sinks, a FELIX simulator and the operator CLI (daqz encode, decode,
 export, eval, demo), systemd units, example configurations, the Grafana dashboard and
 Prometheus rules, and the Python module daqz for reading segment files.")
# daqz-models: data only.
set(CPACK_DEBIAN_MODELS_PACKAGE_NAME daqz-models)
set(CPACK_DEBIAN_MODELS_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_MODELS_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_MODELS_DESCRIPTION "daqz: trained compression models
 BCAE models for TPC wedges and jet autoencoders, with their model cards (training command,
 data, metrics, SHA-256 of the weights), in /usr/share/daqz/models.")

include(CPack)
cpack_add_component_group(daqz)
cpack_add_component_group(models)
cpack_add_component(runtime GROUP daqz)
cpack_add_component(conffiles GROUP daqz)
cpack_add_component(models GROUP models)
