#ifndef STRETCHCUE_MALLOC_POLICY_H
#define STRETCHCUE_MALLOC_POLICY_H

/// Makes glibc serve every allocation of `bytes` or more from its own
/// mapping, returned to the system when freed (mallopt M_MMAP_THRESHOLD),
/// and keep one heap for all threads (M_ARENA_MAX 1) instead of one per
/// thread. Returns 1 on success, 0 on failure.
int stretchcue_set_malloc_policy(int bytes);

#endif
