/* SPDX-License-Identifier: MIT */
/*
 * lkd_settings.h - internal: the checks lkd_client_init makes on its
 * settings and port before it writes to the client.  Not for applications.
 */
#ifndef LKD_SETTINGS_H
#define LKD_SETTINGS_H

#include "lkd_client.h"

/* LKD_OK when the settings and the port are usable; else the kind of the
 * first argument that is not (an LKD_ERR_ARG_* status), named in *e.
 * Every string a request header will carry is checked here against the
 * bytes that header may hold (lkd_request.h), so a call never refuses them. */
lkd_status_t lkd_settings_check(const lkd_settings_t *s, const lkd_port_t *port, lkd_arg_error_t *e);

#endif /* LKD_SETTINGS_H */
