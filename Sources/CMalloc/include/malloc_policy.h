#ifndef STRETCHCUE_MALLOC_POLICY_H
#define STRETCHCUE_MALLOC_POLICY_H

/// Makes glibc serve every allocation of `bytes` or more from its own
/// mapping, returned to the system when freed (mallopt M_MMAP_THRESHOLD).
/// Returns 1 on success, 0 on failure.
int stretchcue_map_allocations_from(int bytes);

#endif
