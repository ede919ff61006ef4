#ifndef STRETCHCUE_CSOXR_SHIM_H
#define STRETCHCUE_CSOXR_SHIM_H
#include <soxr.h>
#endif
