#define _XOPEN_SOURCE 600
#include "pseudo_terminal.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int stretchcue_open_pseudo_terminal(int *master, int *slave) {
    int primary = posix_openpt(O_RDWR | O_NOCTTY);
    if (primary < 0) return -1;
    char *name;
    if (grantpt(primary) != 0 || unlockpt(primary) != 0 || (name = ptsname(primary)) == NULL) {
        close(primary);
        return -1;
    }
    int secondary = open(name, O_RDWR | O_NOCTTY);
    if (secondary < 0) {
        close(primary);
        return -1;
    }
    *master = primary;
    *slave = secondary;
    return 0;
}
