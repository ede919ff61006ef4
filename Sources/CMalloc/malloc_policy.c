#include "malloc_policy.h"
#include <malloc.h>

int stretchcue_set_malloc_policy(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes) && mallopt(M_ARENA_MAX, 1);
}
