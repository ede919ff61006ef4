#ifndef STRETCHCUE_CEBUR128_SHIM_H
#define STRETCHCUE_CEBUR128_SHIM_H
#include <ebur128.h>
#endif
