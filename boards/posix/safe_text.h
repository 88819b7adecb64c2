/* SPDX-License-Identifier: MIT */
/*
 * safe_text.h - how the CLI shows a string it did not write itself (the
 * service's Code, Message, RequestId, Status, URLs, task ids, error texts,
 * the library's log lines that quote them) without letting it act on the
 * user's terminal: no ESC, BEL, CR, DEL or C1 control reaches stdout or
 * stderr raw, so a server cannot set the window title, clear the screen,
 * overwrite an earlier line or plant an OSC-8 hyperlink.
 *
 * Escaped in both forms: C0 controls (U+0000..U+001F), DEL (U+007F), C1
 * controls (U+0080..U+009F), and the invisible characters that reorder or
 * break lines (U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069):
 * a terminal or a log viewer can be made to show a different text with them.
 * Everything else of valid UTF-8 is kept as it is.
 */
#ifndef LKEDOC_SAFE_TEXT_H
#define LKEDOC_SAFE_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "lkd_types.h"

/* For a human: s[0..len) with \t \n \r as those two characters, other
 * escaped characters as \xHH (one byte) or \uXXXX (a code point), a byte
 * that is not part of valid UTF-8 as \xHH, and '\' itself as \\ so that the
 * escapes cannot be faked.  s may be NULL when len is 0. */
void safe_text_write(FILE *out, const char *s, size_t len);

/* The length of the longest prefix of s[0..len) that is valid UTF-8 without
 * NUL: len when all of it is, else the offset of the first bad byte. */
size_t safe_text_utf8_prefix(const char *s, size_t len);

/* The length of the longest prefix of s[0..len) that is visible ASCII
 * (0x21..0x7e): what task ids and secrets are made of. */
size_t safe_text_visible_prefix(const char *s, size_t len);

/* safe_text_write of a NUL-terminated string (NULL prints nothing). */
void safe_text_puts(FILE *out, const char *s);

/* safe_text_write of a span ({NULL, 0} prints nothing). */
void safe_text_span(FILE *out, lkd_span_t s);

/* As a JSON string: "..." with the escapes JSON requires (" \ and C0) and the
 * characters above as \u escapes, or null when s is not valid UTF-8 or holds
 * a NUL (nothing the library decodes does; the caller's own strings might). */
void safe_json_write(FILE *out, const char *s, size_t len);

#endif
