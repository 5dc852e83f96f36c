# Build information exported in version strings and metrics (daqz_build_info).
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                OUTPUT_VARIABLE DAQZ_GIT_HASH OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT DAQZ_GIT_HASH)
  set(DAQZ_GIT_HASH "unknown")
endif()
