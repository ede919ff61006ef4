#ifndef STRETCHCUE_CYAML_SHIM_H
#define STRETCHCUE_CYAML_SHIM_H
#include <yaml.h>
#endif
