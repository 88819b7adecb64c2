/* SPDX-License-Identifier: MIT */
/* unit_shim.h - force-included (-include) into each unit program built for
 * the board: unit.h first, then its unit_report() routed to the board's
 * tally so board main can print the sum over all programs. */
#include "unit.h"
int m4_report(const char *name, unsigned passed, unsigned failed);
#define unit_report(name) m4_report((name), unit_passed, unit_failed)
