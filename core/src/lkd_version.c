/* SPDX-License-Identifier: MIT */
/*
 * lkd_version.c - the version the library was built with (see lkd_version.h).
 */
#include "lkd_version.h"

const char *lkd_version(void)
{
    return LKD_VERSION_STRING;
}
