#define _GNU_SOURCE
#include "linux_shims.h"
#include <sys/socket.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <unistd.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

int stretchcue_input_key_bits(int descriptor, uint8_t *bits, int size) {
    return ioctl(descriptor, EVIOCGBIT(EV_KEY, size), bits);
}

int stretchcue_input_grab(int descriptor, int grab) {
    return ioctl(descriptor, EVIOCGRAB, grab);
}

int stretchcue_input_name(int descriptor, char *name, int size) {
    return ioctl(descriptor, EVIOCGNAME(size), name);
}

int stretchcue_accept(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int stretchcue_peer_user(int descriptor, unsigned int *user) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    int result = getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length);
    if (result == 0) *user = credentials.uid;
    return result;
}

int stretchcue_user_in_group(unsigned int user, unsigned int group) {
    struct passwd entry, *found = NULL;
    char text[4096];
    if (getpwuid_r(user, &entry, text, sizeof text, &found) != 0 || found == NULL) return 0;
    if (entry.pw_gid == group) return 1;
    int count = 64;
    gid_t *groups = NULL;
    for (int tries = 0; tries < 4; tries++) {
        gid_t *grown = realloc(groups, (size_t)count * sizeof *groups);
        if (grown == NULL) break;
        groups = grown;
        int asked = count;
        if (getgrouplist(entry.pw_name, entry.pw_gid, groups, &count) >= 0) {
            int member = 0;
            for (int index = 0; index < count; index++) member |= groups[index] == group;
            free(groups);
            return member;
        }
        if (count <= asked) count = asked * 4;
    }
    free(groups);
    return 0;
}

int stretchcue_signal_descriptor(const sigset_t *signals) {
    return signalfd(-1, signals, SFD_NONBLOCK | SFD_CLOEXEC);
}

int stretchcue_next_signal(int descriptor) {
    struct signalfd_siginfo info;
    ssize_t got = read(descriptor, &info, sizeof info);
    return got == (ssize_t)sizeof info ? (int)info.ssi_signo : 0;
}

int stretchcue_event_descriptor(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int stretchcue_pipe_queued(int descriptor) {
    int bytes = 0;
    return ioctl(descriptor, FIONREAD, &bytes) == 0 ? bytes : -1;
}

int stretchcue_resize_pipe(int descriptor, int bytes) {
    (void)fcntl(descriptor, F_SETPIPE_SZ, bytes);
    return fcntl(descriptor, F_GETPIPE_SZ);
}

int stretchcue_socket_unsent(int descriptor) {
    int bytes = 0;
    return ioctl(descriptor, SIOCOUTQ, &bytes) == 0 ? bytes : -1;
}

int stretchcue_open_unnamed(const char *folder, unsigned int mode) {
    return open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, (mode_t)mode);
}
