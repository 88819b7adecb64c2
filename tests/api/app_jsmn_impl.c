/* SPDX-License-Identifier: MIT */
/* app_jsmn_impl.c - the application's own jsmn implementation, for the
 * JSMN_HEADER build of app_jsmn.c (non-static: its jsmn_parse and jsmn_init
 * are global symbols of the program, as lkedoc's are not). */
#include <jsmn.h>
