/*
 * refusal_stub.c - TEMPORARY (issue 11): weak stand-ins for the two refusal
 * accessors declared in core/lkd_client.h, so that the CLI links before the
 * lead's core change that implements them is merged.  The core's strong
 * definitions replace these at link time; delete this file at that merge.
 */
#include "lkd_client.h"

__attribute__((weak)) const char *lkd_client_refused_host(const lkd_client_t *client)
{
    (void)client;
    return "";
}

__attribute__((weak)) const char *lkd_client_refusal_reason(const lkd_client_t *client)
{
    (void)client;
    return "";
}
