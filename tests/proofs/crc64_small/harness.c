/* SPDX-License-Identifier: MIT */
/* lkd_crc64, the 16-entry table variant (LKD_CRC64_FAST=0, the firmware default):
 * any crc, any len <= BOUND bytes of unknown contents, fed in two pieces at
 * any split point a <= len (the CRC of a, then of the rest with the first
 * result, as a download streams it).  Each len and each a is analysed
 * separately, so the byte loop of each call reads
 * exactly inside the buffer (the buffer ends where the data ends: a read one
 * past is an alarm).  Not covered: lengths over BOUND (the loops do the same
 * per 8 bytes whatever the length), more than two pieces.  The harness is
 * crc64_fast's, with the other variant configured first. */
#include "__fc_builtin.h"
/* run.py sets the host default 1: this harness proves the firmware's variant. */
#include "lkd_config.h"
#undef LKD_CRC64_FAST
#define LKD_CRC64_FAST 0
#include "../crc64_fast/harness.c"
