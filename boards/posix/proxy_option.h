/* SPDX-License-Identifier: MIT */
/*
 * proxy_option.h - the CLI's HTTP proxy: --proxy, else HTTPS_PROXY /
 * https_proxy, and NO_PROXY / no_proxy, as curl reads them.
 */
#ifndef LKEDOC_PROXY_OPTION_H
#define LKEDOC_PROXY_OPTION_H

#include "lkd_client.h"

/* --proxy URL: http://[USER[:PASSWORD]@]HOST[:PORT][/] (the scheme may be
 * left out; USER and PASSWORD percent-decoded; HOST may be a bracketed IPv6
 * address; PORT 1080 when absent, as curl's); "" is no proxy, whatever the
 * environment says.  The password's bytes in url are then overwritten with
 * '*' (url is the process's argument: other users can read it in
 * /proc/PID/cmdline).  0, or -1 when url is not such a URL. */
int proxy_option_set(char *url);

/* The proxy into s->proxy: --proxy's, else the environment's; the no-proxy
 * list from the environment.  https_proxy and HTTPS_PROXY, read or not,
 * have their password overwritten in place (/proc/PID/environ) and are
 * unset; their values as they were are kept (wiped at exit) for
 * proxy_option_child_env.  With verbose, says which (the password shown as <hidden>).  0, or -1 after saying on stderr what is wrong (never the
 * password). */
int proxy_option_settings(lkd_settings_t *s, int verbose);

/* After a failure st of client c whose last connection failed on hop
 * (lkd_client_tls_detail's proxy_hop), once lkd_client_error_detail named the
 * proxy: for LKD_ERR_PROXY_AUTH a line on what to give on stderr (no line end
 * after it).  1 when the proxy failed (LKD_PROXY_HOP_PROXY), else 0. */
int proxy_option_explain(const lkd_client_t *c, lkd_status_t st, int hop);

/* In a child about to exec the credentials process: https_proxy and
 * HTTPS_PROXY back in its environment as lkedoc was given them (password
 * and all), so that a helper fetching credentials goes through the same
 * proxy.  Not in lkedoc's own environment, nor any other child's. */
void proxy_option_child_env(void);

#endif
