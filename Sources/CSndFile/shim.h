#ifndef STRETCHCUE_CSNDFILE_SHIM_H
#define STRETCHCUE_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
