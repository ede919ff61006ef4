#ifndef STRETCHCUE_MPRIS_H
#define STRETCHCUE_MPRIS_H
#include <stdint.h>

/// An MPRIS player object on the session bus (org.mpris.MediaPlayer2.*),
/// through sd-bus. Not thread-safe: every call from one thread, which
/// polls `stretchcue_mpris_descriptor` and calls `stretchcue_mpris_process`.
typedef struct stretchcue_mpris stretchcue_mpris;

/// What a client asked the player to do.
typedef enum {
    STRETCHCUE_MPRIS_NONE = 0,
    STRETCHCUE_MPRIS_PLAY_PAUSE,
    STRETCHCUE_MPRIS_PLAY,
    STRETCHCUE_MPRIS_PAUSE,
    STRETCHCUE_MPRIS_NEXT,
    STRETCHCUE_MPRIS_PREVIOUS,
    STRETCHCUE_MPRIS_STOP,
    /// `Volume` set: the value asked, 1.0 for full.
    STRETCHCUE_MPRIS_VOLUME,
} stretchcue_mpris_action;

/// Connects to the session bus, puts the player's object on it and takes
/// the name org.mpris.MediaPlayer2.`name` (or, when another has it,
/// `name`.instance`pid`). NULL with a negative errno in `error` when there
/// is no session bus or the name cannot be had.
stretchcue_mpris *stretchcue_mpris_open(const char *name, const char *identity, int *error);

/// The bus connection's descriptor, the poll events it waits for now, and
/// how long poll may wait in milliseconds (-1: no limit); ask again after
/// every call that touches the bus.
int stretchcue_mpris_descriptor(stretchcue_mpris *player);
short stretchcue_mpris_events(stretchcue_mpris *player);
int stretchcue_mpris_timeout(stretchcue_mpris *player);

/// Reads and answers what came in and writes what is waiting; negative
/// errno when the connection is lost.
int stretchcue_mpris_process(stretchcue_mpris *player);

/// The next request a client made, oldest first, NONE when there is no
/// more; `value` is set for VOLUME.
stretchcue_mpris_action stretchcue_mpris_next_action(stretchcue_mpris *player, double *value);

/// The player's state as clients see it; a change of the status, the
/// track, its metadata or the volume is signalled (PropertiesChanged).
/// `status`: "Playing", "Paused" or "Stopped"; `track`: a number that
/// changes with each step; lengths and positions in microseconds.
int stretchcue_mpris_update(
    stretchcue_mpris *player, const char *status, int64_t track, const char *title, const char *album,
    int64_t length, int64_t position, double volume);

/// Leaves the bus and frees the player.
void stretchcue_mpris_close(stretchcue_mpris *player);

#endif
