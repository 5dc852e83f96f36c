// Keep freed tensor memory in the process instead of returning it to the kernel.
//
// glibc serves every allocation above M_MMAP_THRESHOLD (128 KiB at start, raised dynamically only in
// some patterns) with a fresh mmap and returns it with munmap on free. A BCAE forward pass allocates
// and frees activations of 1-12 MB per layer, so each wedge paid thousands of page faults plus kernel
// page zeroing: measured 28.9 vs 52.0 bcae-v1 bf16 wedges/s on 2 cores in the encoder bench (docs/bcae.md).
// (The ingest workers measured the same with and without: glibc's dynamic threshold adapts there.)
// Raising the mmap threshold to its maximum (32 MiB on 64-bit) and the trim threshold keeps those
// blocks on the heap for reuse. Cost: freed memory of the largest activations stays in RSS.
//
// Called by the LibTorch users (BCAE and jet codecs, trainers, benches) and by every service at start
// (runtime/service_main.cpp: messages are buffers of hundreds of kB); idempotent and thread-safe.
// DAQZ_MALLOC_TUNING=0 in the environment turns it off (for comparisons).
#pragma once

namespace daqz {

// Returns true when the allocator settings are in effect (false: disabled by the environment or refused).
bool keep_freed_tensor_memory();

}  // namespace daqz
