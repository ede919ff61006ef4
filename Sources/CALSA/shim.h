#ifndef STRETCHCUE_CALSA_SHIM_H
#define STRETCHCUE_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
