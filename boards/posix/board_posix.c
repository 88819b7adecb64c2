/* SPDX-License-Identifier: MIT */
/*
 * board_posix.c - the host CLI's network: the POSIX sockets port.
 */
#include "cli.h"
#include "port_posix.h"

int cli_board_init(lkd_port_t *port, const options_t *o)
{
    (void)o;
    lkd_port_posix_init(port);
    return 0;
}
