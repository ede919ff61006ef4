#include "malloc_policy.h"
#include <malloc.h>

int stretchcue_map_allocations_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
