// SPDX-License-Identifier: GPL-2.0-or-later
// toml++'s implementation, compiled into the fuzz target so it is instrumented.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
