/* SPDX-License-Identifier: MIT */
/*
 * lkd_version.h - the version of the lkedoc headers an application is
 * compiled with, and lkd_version() for the library it is linked with.
 *
 *     if (strcmp(lkd_version(), LKD_VERSION_STRING) != 0) ... headers and
 *     library differ: rebuild the application against the library it links
 *
 * The version follows semantic versioning: while MAJOR is 0, a MINOR step may
 * change the API and the layout of lkd_client_t.
 */
#ifndef LKD_VERSION_H
#define LKD_VERSION_H

#define LKD_VERSION_MAJOR 0
#define LKD_VERSION_MINOR 4
#define LKD_VERSION_PATCH 0

/* MAJOR << 16 | MINOR << 8 | PATCH, for #if comparisons (0x000400 is 0.4.0). */
#define LKD_VERSION_NUMBER ((LKD_VERSION_MAJOR << 16) | (LKD_VERSION_MINOR << 8) | LKD_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" made from the three numbers, so it cannot disagree with
 * them; also what the client sends in its User-Agent (lkedoc/0.4.0). */
#define LKD_VERSION_TEXT_(x) #x
#define LKD_VERSION_TEXT(x) LKD_VERSION_TEXT_(x)
#define LKD_VERSION_STRING \
    LKD_VERSION_TEXT(LKD_VERSION_MAJOR) "." LKD_VERSION_TEXT(LKD_VERSION_MINOR) "." LKD_VERSION_TEXT(LKD_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The LKD_VERSION_STRING the library was built with (static, never NULL). */
const char *lkd_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LKD_VERSION_H */
