#ifndef STRETCHCUE_PSEUDO_TERMINAL_H
#define STRETCHCUE_PSEUDO_TERMINAL_H

/// Opens a pseudo-terminal pair (posix_openpt, grantpt, unlockpt, ptsname,
/// which Swift's Glibc module leaves out). Returns 0, or -1 with errno set.
int stretchcue_open_pseudo_terminal(int *master, int *slave);

#endif
