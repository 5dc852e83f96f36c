#include "base/tensor_allocator.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace daqz {
namespace {

// After keep_freed_tensor_memory(), an activation-sized block (12 MB, bcae-v1's largest) comes from the
// heap, not from a fresh mmap: glibc's count of mmapped chunks does not move while it is alive.
TEST(TensorAllocator, LargeBlocksComeFromTheHeap) {
  const char* env = std::getenv("DAQZ_MALLOC_TUNING");
  if (env != nullptr && std::strcmp(env, "0") == 0) GTEST_SKIP() << "DAQZ_MALLOC_TUNING=0";
  ASSERT_TRUE(keep_freed_tensor_memory());
  EXPECT_TRUE(keep_freed_tensor_memory()) << "idempotent";
  // Called through volatile pointers so that the compiler cannot elide the malloc/free pair.
  void* (*volatile allocate)(size_t) = std::malloc;
  void (*volatile release)(void*) = std::free;
  const size_t mapped_before = mallinfo2().hblks;
  for (int i = 0; i < 3; ++i) {
    void* p = allocate(12u << 20);
    ASSERT_NE(p, nullptr);
    std::memset(p, 1, 12u << 20);
    EXPECT_EQ(mallinfo2().hblks, mapped_before) << "a 12 MB block was mmapped";
    release(p);
  }
}

}  // namespace
}  // namespace daqz
