/* SPDX-License-Identifier: MIT */
/* WP: the contract of under() in lkd_url_policy.c, the test of a result
 * host against one entry of the allowed-hosts policy, for every host text
 * host[0..n-1] (any bytes, any n) and every NUL-terminated entry:
 *   an entry that starts with '.' (".example.com") matches exactly the
 *     names that end in it after at least one byte ("a.example.com"; not
 *     "example.com", not "aexample.com": the match starts at the entry's
 *     dot, so at a label boundary);
 *   any other entry ("example.com") matches only that name;
 *   both ASCII case-insensitive; 1 or 0; reads only host[0..n-1] and the
 *   entry up to its NUL, writes nothing.
 * lkd_text_equals_nocase's contract is wp_nocase's (this file #includes
 * that harness, which #includes lkd_text.c): WP proves under() from it.
 * Not covered: allowed() (the loop over the entries and the defaults) and
 * the host's shape (dns_shape): lkd_url_policy_check's EVA harness. */
#include <stddef.h>
#include <string.h>

#include "../wp_nocase/harness.c" /* fold(), and the contracts of lkd_text.c */

/*@ requires \valid_read(host + (0 .. n - 1));
    requires valid_read_string(entry);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    behavior suffix:
      assumes entry[0] == '.';
      ensures \result == 1 <==> n > strlen(entry) &&
          \forall integer i; 0 <= i < strlen(entry) ==>
              fold(host[n - strlen(entry) + i]) == fold(entry[i]);
      ensures \result == 1 ==> host[n - strlen(entry)] == '.';
    behavior exact:
      assumes entry[0] != '.';
      ensures \result == 1 <==> n == strlen(entry) &&
          \forall integer i; 0 <= i < n ==> fold(host[i]) == fold(entry[i]);
 */
static int under(const char *host, size_t n, const char *entry);

#include "lkd_url_policy.c"
