// main() of every unit-test executable: registers the codecs of the layers the executable links
// (DAQZ_TEST_CLASSIC_CODECS, DAQZ_TEST_NEURAL_CODECS, set by tests/CMakeLists.txt), as a service's
// main would, then runs the tests.
#include <gtest/gtest.h>

#if DAQZ_TEST_CLASSIC_CODECS
#include "codec_classic/classic_codecs.h"
#endif
#if DAQZ_TEST_NEURAL_CODECS
#include "codec_torch/neural_codecs.h"
#endif

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
#if DAQZ_TEST_CLASSIC_CODECS
  daqz::register_classic_codecs();
#endif
#if DAQZ_TEST_NEURAL_CODECS
  daqz::register_neural_codecs();
#endif
  return RUN_ALL_TESTS();
}
