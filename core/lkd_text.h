/*
 * lkd_text.h - number formatting shared by the request writer, the signer,
 * the job's JSON and the diagnostics (no snprintf: it is large on small
 * targets and locale-dependent).
 */
#ifndef LKD_TEXT_H
#define LKD_TEXT_H

#include <stdint.h>

/* Room for the decimal digits of any uint64_t and a NUL. */
#define LKD_DEC_SIZE 21

/* Write v in decimal, NUL-terminated, at the end of buf; returns a pointer
 * to its first digit (inside buf). */
const char *lkd_format_dec(uint64_t v, char buf[LKD_DEC_SIZE]);

#endif /* LKD_TEXT_H */
