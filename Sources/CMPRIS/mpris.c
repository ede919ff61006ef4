// The MPRIS D-Bus interface (specifications.freedesktop.org/mpris-spec)
// through sd-bus: its object tables are C macros Swift cannot import, and
// its signals take variadic lists, so the whole adapter is here.
#define _GNU_SOURCE
#include "mpris.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define OBJECT_PATH "/org/mpris/MediaPlayer2"
#define ROOT_INTERFACE "org.mpris.MediaPlayer2"
#define PLAYER_INTERFACE "org.mpris.MediaPlayer2.Player"
#define QUEUE_LENGTH 32

struct stretchcue_mpris {
    sd_bus *bus;
    sd_bus_slot *root_slot;
    sd_bus_slot *player_slot;
    char *identity;
    /// Requests not yet taken, a ring.
    stretchcue_mpris_action actions[QUEUE_LENGTH];
    double values[QUEUE_LENGTH];
    unsigned first, count;
    /// What clients see.
    char status[16];
    int64_t track;
    char *title;
    char *album;
    int64_t length;
    int64_t position;
    double volume;
};

static void enqueue(stretchcue_mpris *player, stretchcue_mpris_action action, double value) {
    // A client flooding the bus loses its oldest requests, never the player's memory.
    if (player->count == QUEUE_LENGTH) {
        player->first = (player->first + 1) % QUEUE_LENGTH;
        player->count--;
    }
    unsigned at = (player->first + player->count) % QUEUE_LENGTH;
    player->actions[at] = action;
    player->values[at] = value;
    player->count++;
}

static int method_action(sd_bus_message *message, stretchcue_mpris *player, stretchcue_mpris_action action) {
    enqueue(player, action, 0);
    return sd_bus_reply_method_return(message, "");
}

static int play_pause(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_PLAY_PAUSE);
}
static int play(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_PLAY);
}
static int pause_(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_PAUSE);
}
static int next(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_NEXT);
}
static int previous(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_PREVIOUS);
}
static int stop(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)e;
    return method_action(m, data, STRETCHCUE_MPRIS_STOP);
}
/// Seek, SetPosition, OpenUri, Raise and Quit: not offered (CanSeek and
/// the others are false), so they do nothing, as the specification asks.
static int ignored(sd_bus_message *m, void *data, sd_bus_error *e) {
    (void)data;
    (void)e;
    return sd_bus_reply_method_return(m, "");
}

static int get_string(sd_bus_message *reply, const char *text) { return sd_bus_message_append(reply, "s", text); }

static int get_identity(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                        sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return get_string(reply, ((stretchcue_mpris *)data)->identity);
}
static int get_false(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                     sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)data, (void)e;
    return sd_bus_message_append(reply, "b", 0);
}
static int get_true(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                    sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)data, (void)e;
    return sd_bus_message_append(reply, "b", 1);
}
static int get_empty_list(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                          sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)data, (void)e;
    return sd_bus_message_append(reply, "as", 0);
}
static int get_one(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                   sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)data, (void)e;
    return sd_bus_message_append(reply, "d", 1.0);
}
static int get_status(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                      sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return get_string(reply, ((stretchcue_mpris *)data)->status);
}
static int get_position(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                        sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(reply, "x", ((stretchcue_mpris *)data)->position);
}
static int get_volume(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                      sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    return sd_bus_message_append(reply, "d", ((stretchcue_mpris *)data)->volume);
}
static int set_volume(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *value, void *data,
                      sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    double volume;
    int result = sd_bus_message_read(value, "d", &volume);
    if (result < 0) return result;
    enqueue(data, STRETCHCUE_MPRIS_VOLUME, volume);
    return 0;
}
static int get_metadata(sd_bus *b, const char *p, const char *i, const char *n, sd_bus_message *reply, void *data,
                        sd_bus_error *e) {
    (void)b, (void)p, (void)i, (void)n, (void)e;
    stretchcue_mpris *player = data;
    char track[64];
    snprintf(track, sizeof track, "/org/stretchcue/step/%lld", (long long)player->track);
    int r = sd_bus_message_open_container(reply, 'a', "{sv}");
    if (r >= 0) r = sd_bus_message_append(reply, "{sv}", "mpris:trackid", "o", track);
    if (r >= 0) r = sd_bus_message_append(reply, "{sv}", "mpris:length", "x", player->length);
    if (r >= 0) r = sd_bus_message_append(reply, "{sv}", "xesam:title", "s", player->title);
    if (r >= 0) r = sd_bus_message_append(reply, "{sv}", "xesam:album", "s", player->album);
    if (r >= 0) r = sd_bus_message_close_container(reply);
    return r;
}

static const sd_bus_vtable root_table[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Raise", "", "", ignored, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Quit", "", "", ignored, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("CanQuit", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanRaise", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("HasTrackList", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Identity", "s", get_identity, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedUriSchemes", "as", get_empty_list, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("SupportedMimeTypes", "as", get_empty_list, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable player_table[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Next", "", "", next, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Previous", "", "", previous, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Pause", "", "", pause_, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("PlayPause", "", "", play_pause, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Stop", "", "", stop, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Play", "", "", play, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Seek", "x", "", ignored, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetPosition", "ox", "", ignored, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("OpenUri", "s", "", ignored, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("Seeked", "x", 0),
    SD_BUS_PROPERTY("PlaybackStatus", "s", get_status, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Rate", "d", get_one, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("MinimumRate", "d", get_one, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("MaximumRate", "d", get_one, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Metadata", "a{sv}", get_metadata, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_WRITABLE_PROPERTY("Volume", "d", get_volume, set_volume, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("Position", "x", get_position, 0, 0),
    SD_BUS_PROPERTY("CanGoNext", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanGoPrevious", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanPlay", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanPause", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanSeek", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("CanControl", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

stretchcue_mpris *stretchcue_mpris_open(const char *name, const char *identity, int *error) {
    stretchcue_mpris *player = calloc(1, sizeof *player);
    if (!player) {
        *error = -ENOMEM;
        return NULL;
    }
    strcpy(player->status, "Stopped");
    player->identity = strdup(identity);
    player->title = strdup("");
    player->album = strdup("");
    player->volume = 1.0;
    char bus_name[256];
    int r = player->identity && player->title && player->album ? 0 : -ENOMEM;
    if (r >= 0) r = sd_bus_open_user(&player->bus);
    if (r >= 0)
        r = sd_bus_add_object_vtable(player->bus, &player->root_slot, OBJECT_PATH, ROOT_INTERFACE, root_table, player);
    if (r >= 0)
        r = sd_bus_add_object_vtable(
            player->bus, &player->player_slot, OBJECT_PATH, PLAYER_INTERFACE, player_table, player);
    if (r >= 0) {
        snprintf(bus_name, sizeof bus_name, "org.mpris.MediaPlayer2.%s", name);
        r = sd_bus_request_name(player->bus, bus_name, 0);
        // A second player on the same bus takes a name of its own, as the specification says.
        if (r == -EEXIST) {
            snprintf(bus_name, sizeof bus_name, "org.mpris.MediaPlayer2.%s.instance%ld", name, (long)getpid());
            r = sd_bus_request_name(player->bus, bus_name, 0);
        }
    }
    if (r < 0) {
        *error = r;
        stretchcue_mpris_close(player);
        return NULL;
    }
    return player;
}

int stretchcue_mpris_descriptor(stretchcue_mpris *player) { return sd_bus_get_fd(player->bus); }

short stretchcue_mpris_events(stretchcue_mpris *player) {
    int events = sd_bus_get_events(player->bus);
    return events < 0 ? POLLIN : (short)events;
}

int stretchcue_mpris_timeout(stretchcue_mpris *player) {
    uint64_t until;
    if (sd_bus_get_timeout(player->bus, &until) < 0 || until == UINT64_MAX) return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t at = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
    return until <= at ? 0 : (int)((until - at + 999) / 1000);
}

int stretchcue_mpris_process(stretchcue_mpris *player) {
    int r;
    // Each call handles one message; a bounded number per wake-up keeps
    // a flood from holding the control thread.
    for (int handled = 0; handled < 64; handled++) {
        r = sd_bus_process(player->bus, NULL);
        if (r <= 0) return r;
    }
    return 0;
}

stretchcue_mpris_action stretchcue_mpris_next_action(stretchcue_mpris *player, double *value) {
    if (player->count == 0) return STRETCHCUE_MPRIS_NONE;
    stretchcue_mpris_action action = player->actions[player->first];
    *value = player->values[player->first];
    player->first = (player->first + 1) % QUEUE_LENGTH;
    player->count--;
    return action;
}

/// Replaces `*field` with a copy of `text`; 1 when it changed, negative errno when out of memory.
static int replace(char **field, const char *text) {
    if (strcmp(*field, text) == 0) return 0;
    char *copy = strdup(text);
    if (!copy) return -ENOMEM;
    free(*field);
    *field = copy;
    return 1;
}

int stretchcue_mpris_update(
    stretchcue_mpris *player, const char *status, int64_t track, const char *title, const char *album,
    int64_t length, int64_t position, double volume) {
    player->position = position;
    int status_changed = strcmp(player->status, status) != 0;
    if (status_changed) snprintf(player->status, sizeof player->status, "%s", status);
    int title_changed = replace(&player->title, title);
    int album_changed = replace(&player->album, album);
    if (title_changed < 0 || album_changed < 0) return -ENOMEM;
    int metadata_changed = title_changed || album_changed || track != player->track || length != player->length;
    player->track = track;
    player->length = length;
    int volume_changed = volume != player->volume;
    player->volume = volume;
    // Only what changed is signalled (sd-bus sends the values with the signal).
    const char *names[4];
    int count = 0;
    if (status_changed) names[count++] = "PlaybackStatus";
    if (metadata_changed) names[count++] = "Metadata";
    if (volume_changed) names[count++] = "Volume";
    names[count] = NULL;
    if (count == 0) return 0;
    return sd_bus_emit_properties_changed_strv(player->bus, OBJECT_PATH, PLAYER_INTERFACE, (char **)names);
}

void stretchcue_mpris_close(stretchcue_mpris *player) {
    if (!player) return;
    sd_bus_slot_unref(player->root_slot);
    sd_bus_slot_unref(player->player_slot);
    if (player->bus) sd_bus_flush_close_unref(player->bus);
    free(player->identity);
    free(player->title);
    free(player->album);
    free(player);
}
