#ifndef STRETCHCUE_CALSA_SHIM_H
#define STRETCHCUE_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>

/// Receives one formatted libasound message ("ALSA lib ..." text).
typedef void (*stretchcue_alsa_message_fn)(const char *message);

/// Where messages go: a function-local static, which Swift's importer emits.
static inline stretchcue_alsa_message_fn *stretchcue_alsa_receiver(void) {
    static stretchcue_alsa_message_fn receiver;
    return &receiver;
}

/// libasound's error handler is variadic, which Swift cannot implement:
/// format the message here and hand the text to the Swift side.
static void stretchcue_alsa_error_handler(const char *file, int line, const char *function, int err,
                                          const char *format, ...) {
    char text[512];
    int used = snprintf(text, sizeof text, "%s:%d:(%s) ", file, line, function);
    if (used < 0 || used >= (int)sizeof text) used = 0;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text + used, sizeof text - used, format, arguments);
    va_end(arguments);
    if (err != 0) {
        size_t length = strlen(text);
        snprintf(text + length, sizeof text - length, ": %s", snd_strerror(err));
    }
    stretchcue_alsa_message_fn receiver = *stretchcue_alsa_receiver();
    if (receiver) receiver(text);
}

/// Routes every libasound message to `receiver` instead of standard error.
static inline void stretchcue_route_alsa_messages(stretchcue_alsa_message_fn receiver) {
    *stretchcue_alsa_receiver() = receiver;
    snd_lib_error_set_handler(stretchcue_alsa_error_handler);
}

/// ALSA's global configuration tree (a C global, which Swift 6 refuses to read
/// as shared mutable state); current after `snd_config_update`.
static inline snd_config_t *stretchcue_alsa_config(void) { return snd_config; }

#endif
