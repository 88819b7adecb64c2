/* SPDX-License-Identifier: MIT */
/*
 * proxy_option.c - the CLI's HTTP proxy (see proxy_option.h).  The password
 * is kept here only, and wiped at exit; where it came from (the argument,
 * the environment) it is overwritten, since other users may read a
 * process's command line.  The environment's proxy variables, as they
 * were, are kept here too (wiped at exit) for the credentials process
 * alone: a helper fetching its credentials may need the proxy.
 */
#include "proxy_option.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "credentials.h"
#include "safe_text.h"

static struct {
    int given; /* --proxy was seen: the environment's proxy is not read */
    char host[256];
    unsigned port;
    int has_user;
    char user[LKD_PROXY_CREDENTIAL_MAX + 1];
    char password[LKD_PROXY_CREDENTIAL_MAX + 1];
} proxy;

static const char *const vars[] = {"https_proxy", "HTTPS_PROXY"};

/* vars[i]'s value as the environment gave it ("" when unset), for the
 * credentials process: a URL parse takes fits (its user and password
 * percent-encoded at most). */
static char kept[2][sizeof proxy.host + 6 * LKD_PROXY_CREDENTIAL_MAX + 32];

static void wipe(void)
{
    credentials_wipe_bytes(&proxy, sizeof proxy);
}

static void wipe_all(void)
{
    wipe();
    credentials_wipe_bytes(kept, sizeof kept);
}

/* Overwrite url's password in place with '*' (as curl does with its
 * arguments): /proc/PID/cmdline and /proc/PID/environ then show no secret.
 * The user part ends at the last '@' after the scheme (a URL parse takes has
 * none after it; one it refuses may have a '/', '?' or '#' in its password),
 * the password after the first ':' in it. */
static void mask_password(char *url)
{
    char *s = strstr(url, "://"), *p = s != NULL ? s + 3 : url, *at = strrchr(p, '@');
    char *colon = at != NULL ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon != NULL) {
        memset(colon + 1, '*', (size_t)(at - colon - 1));
    }
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* s[0..n) percent-decoded into out (cap bytes, NUL-terminated); -1 for a
 * bad escape, a NUL, or too long. */
static int decode(char *out, size_t cap, const char *s, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
                return -1;
            }
            c = hex(s[i + 1]) * 16 + hex(s[i + 2]);
            i += 2;
        }
        if (c == 0 || k + 1 >= cap) {
            return -1;
        }
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return 0;
}

static int parse(const char *url)
{
    const char *p = url, *end, *at, *hp, *port = NULL;
    size_t n;
    if (strncasecmp(p, "http://", 7) == 0) {
        p += 7;
    } else if (strstr(p, "://") != NULL) {
        return -1; /* https://, socks5://, ...: not an HTTP proxy we speak to */
    }
    end = p + strcspn(p, "/?#");
    if (*end != '\0' && strcmp(end, "/") != 0) {
        return -1;
    }
    for (at = end; at > p && at[-1] != '@'; at--) {
    }
    proxy.has_user = at > p;
    if (proxy.has_user) {
        const char *colon = memchr(p, ':', (size_t)(at - 1 - p));
        const char *ue = colon != NULL ? colon : at - 1;
        if (decode(proxy.user, sizeof proxy.user, p, (size_t)(ue - p)) != 0 || proxy.user[0] == '\0' ||
            strchr(proxy.user, ':') != NULL ||
            (colon != NULL && decode(proxy.password, sizeof proxy.password, colon + 1, (size_t)(at - 2 - colon)) != 0)) {
            return -1;
        }
        p = at;
    }
    hp = p;
    if (*hp == '[') {
        const char *close = memchr(hp, ']', (size_t)(end - hp));
        if (close == NULL) {
            return -1;
        }
        p = hp + 1;
        n = (size_t)(close - p);
        port = close + 1 < end ? close + 1 : NULL;
        if (port != NULL && *port != ':') {
            return -1;
        }
    } else {
        port = memchr(hp, ':', (size_t)(end - hp));
        n = (size_t)((port != NULL ? port : end) - hp);
    }
    if (n == 0 || n >= sizeof proxy.host) {
        return -1;
    }
    memcpy(proxy.host, p, n);
    proxy.host[n] = '\0';
    proxy.port = 1080;
    if (port != NULL) {
        char digits[8];
        char *e;
        unsigned long v;
        size_t dn = (size_t)(end - port - 1);
        if (dn == 0 || dn >= sizeof digits || strspn(port + 1, "0123456789") < dn) {
            return -1;
        }
        memcpy(digits, port + 1, dn);
        digits[dn] = '\0';
        v = strtoul(digits, &e, 10);
        if (v < 1 || v > 65535) {
            return -1;
        }
        proxy.port = (unsigned)v;
    }
    return 0;
}

int proxy_option_set(char *url)
{
    static int registered;
    int rc = 0;
    if (!registered) {
        registered = atexit(wipe_all) == 0;
    }
    wipe();
    proxy.given = 1;
    if (url[0] != '\0' && parse(url) != 0) {
        wipe();
        rc = -1;
    }
    mask_password(url);
    return rc;
}

/* The first of the two variables that is set (curl reads the lower-case one
 * first), or NULL. */
static char *env2(const char *lower, const char *upper, const char **name)
{
    char *v = getenv(lower);
    *name = lower;
    if (v == NULL) {
        v = getenv(upper);
        *name = upper;
    }
    return v;
}

int proxy_option_settings(lkd_settings_t *s, int verbose)
{
    const char *from = "--proxy", *ignored, *no_proxy = env2("no_proxy", "NO_PROXY", &ignored);
    size_t i;
    int rc = 0;
    for (i = 0; i < 2; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && strlen(v) < sizeof kept[i]) {
            strcpy(kept[i], v);
        } else if (v != NULL) {
            fprintf(stderr, "lkedoc: %s is too long to pass on to a credentials process\n", vars[i]);
        }
    }
    if (!proxy.given) {
        char *v = env2(vars[0], vars[1], &from);
        rc = v != NULL && v[0] != '\0' ? proxy_option_set(v) : 0;
    }
    /* Both variables, read or not: the password in either is overwritten
     * and the variable dropped (no child inherits it but the credentials
     * process, from kept), as the secret key's is. */
    for (i = 0; i < 2; i++) {
        char *v = getenv(vars[i]);
        if (v != NULL) {
            mask_password(v);
            unsetenv(vars[i]);
        }
    }
    if (rc != 0) {
        fprintf(stderr, "lkedoc: %s wants http://[USER:PASSWORD@]HOST[:PORT] (only http:// proxies)\n", from);
        return -1;
    }
    memset(&s->proxy, 0, sizeof s->proxy);
    if (proxy.host[0] == '\0') {
        return 0;
    }
    s->proxy.host = proxy.host;
    s->proxy.port = (uint16_t)proxy.port;
    s->proxy.user = proxy.has_user ? proxy.user : NULL;
    s->proxy.password = proxy.has_user ? proxy.password : NULL;
    s->proxy.no_proxy = no_proxy;
    if (verbose) {
        fputs("lkedoc: * proxy http://", stderr);
        if (proxy.has_user) {
            safe_text_puts(stderr, proxy.user);
            fputs(":<hidden>@", stderr);
        }
        safe_text_puts(stderr, proxy.host);
        fprintf(stderr, ":%u (from %s)", proxy.port, from);
        if (no_proxy != NULL && no_proxy[0] != '\0') {
            fputs(", not for ", stderr);
            safe_text_puts(stderr, no_proxy);
        }
        fputc('\n', stderr);
    }
    return 0;
}

int proxy_option_explain(const lkd_client_t *c, lkd_status_t st, int hop)
{
    const lkd_settings_t *s = lkd_client_settings(c);
    if (s == NULL || s->proxy.host == NULL || hop != LKD_PROXY_HOP_PROXY ||
        !(st == LKD_ERR_PROXY || st == LKD_ERR_PROXY_AUTH || (st >= LKD_ERR_DNS && st <= LKD_ERR_IO))) {
        return 0;
    }
    if (st == LKD_ERR_PROXY_AUTH) {
        fputs(s->proxy.user != NULL ? "\nlkedoc: the proxy refused the user and password given"
                                    : "\nlkedoc: the proxy wants a user and password: http://USER:PASSWORD@HOST:PORT",
              stderr);
    }
    return 1;
}

void proxy_option_child_env(void)
{
    size_t i;
    for (i = 0; i < 2; i++) {
        if (kept[i][0] != '\0') {
            (void)setenv(vars[i], kept[i], 1);
        }
    }
}
