# Build information exported in version strings and metrics (daqz_build_info). The git hash is
# written at every build (not only at configure time), so a rebuilt binary never reports a stale
# commit: the target daqz_git_hash runs cmake/DaqzGitHash.cmake, which rewrites the header only when
# the hash changed (no needless recompiles).
if(DAQZ_HAVE_CUDA)
  set(DAQZ_BUILT_WITH_CUDA 1)
else()
  set(DAQZ_BUILT_WITH_CUDA 0)
endif()
set(DAQZ_GIT_HASH_HEADER ${CMAKE_BINARY_DIR}/core/generated/base/build_git_hash.h)
add_custom_target(daqz_git_hash
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUT=${DAQZ_GIT_HASH_HEADER}
          -P ${CMAKE_SOURCE_DIR}/cmake/DaqzGitHash.cmake
  BYPRODUCTS ${DAQZ_GIT_HASH_HEADER}
  COMMENT "daqz: git hash"
  VERBATIM)
