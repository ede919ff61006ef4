#ifndef STRETCHCUE_LINUX_SHIMS_H
#define STRETCHCUE_LINUX_SHIMS_H

#include <signal.h>
#include <stdint.h>

/// Linux interfaces Swift's Glibc module does not show: the ioctls of input
/// devices (request numbers made by macros), signalfd, eventfd, what a pipe or a
/// socket holds, and unnamed files (O_TMPFILE, a macro of macros). Each
/// returns what the call returns, -1 with errno set on failure.

/// Reads the device's key bitmap (EVIOCGBIT(EV_KEY, size)) into `bits`.
int stretchcue_input_key_bits(int descriptor, uint8_t *bits, int size);
/// Takes the device for this process alone (1), or lets it go (0) (EVIOCGRAB).
int stretchcue_input_grab(int descriptor, int grab);
/// Reads the device's name (EVIOCGNAME(size)) into `name`.
int stretchcue_input_name(int descriptor, char *name, int size);

/// Accepts a connection on `listener` as a non-blocking, close-on-exec
/// descriptor (accept4).
int stretchcue_accept(int listener);

/// The user id of the process at the other end of a Unix socket
/// (SO_PEERCRED) into `user`.
int stretchcue_peer_user(int descriptor, unsigned int *user);
/// 1 when the user `user` belongs to the group `group`, as its primary
/// group or one of its others (the user database: getpwuid_r,
/// getgrouplist); 0 when not, or when the user is unknown.
int stretchcue_user_in_group(unsigned int user, unsigned int group);

/// A new non-blocking descriptor that becomes readable when one of `signals`
/// (blocked by the caller) arrives (signalfd).
int stretchcue_signal_descriptor(const sigset_t *signals);
/// The number of the next signal waiting on such a descriptor, 0 when none is.
int stretchcue_next_signal(int descriptor);

/// A new non-blocking, close-on-exec event counter descriptor, at zero (eventfd).
int stretchcue_event_descriptor(void);

/// Bytes written into a pipe and not read yet (FIONREAD).
int stretchcue_pipe_queued(int descriptor);
/// Asks for a pipe of `bytes` (F_SETPIPE_SZ); returns the size it has now
/// (F_GETPIPE_SZ), whether the request was granted or not.
int stretchcue_resize_pipe(int descriptor, int bytes);
/// Bytes a TCP socket holds that the other end has not acknowledged (SIOCOUTQ).
int stretchcue_socket_unsent(int descriptor);

/// Opens a new unnamed regular file in the folder `folder` for reading and
/// writing, closing on exec, with `mode` (O_TMPFILE): it vanishes with its
/// last descriptor unless linked into a folder first.
int stretchcue_open_unnamed(const char *folder, unsigned int mode);

#endif
