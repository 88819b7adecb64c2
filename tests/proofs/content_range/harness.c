/* SPDX-License-Identifier: MIT */
/* parse_content_range and download_header (lkd_job.c, static: the header
 * callback of a download's answers), each length separately:
 * - parse_content_range on any len <= BOUND unknown bytes, and on "bytes "
 *   followed by any len <= BOUND unknown bytes (so the three numbers and
 *   their separators are read with every value);
 * - download_header with any status code, the names Content-Range,
 *   x-cos-hash-crc64ecma, ETag, Content-Encoding and an unknown name of any
 *   length <= NAME_BOUND, each with any value of any len <= BOUND, from a
 *   state with any flags, expected_crc and ETag (etag_len below
 *   LKD_DOWNLOAD_ETAG_SIZE, as lkd_download checks an application's state
 *   before the first answer).
 * Not covered: values over BOUND bytes (a number over 20 digits overflows
 * and is refused; the checks after do not depend on the length). */
#include "__fc_builtin.h"
#include "lkd_job.c"
#include "lkd_request.c"
#include "lkd_text.c"

#define BOUND 16
#define NAME_BOUND 24

static lkd_client_t client;

static void content_range(void)
{
    char text[6 + BOUND];
    download_t d;
    size_t n = Frama_C_size_t_interval(0, BOUND);
    memset(&d, 0, sizeof d);
    Frama_C_make_unknown(text, sizeof text);
    /*@ split n; */
    if (parse_content_range(&d, text + sizeof text - n, n) == LKD_OK) {
        //@ assert d.has_range == 1;
    }
    memcpy(text + sizeof text - n - 6, "bytes ", 6);
    (void)parse_content_range(&d, text + sizeof text - n - 6, n + 6);
}

static void header(void)
{
    static const char *const names[] = {"Content-Range", "x-cos-hash-crc64ecma", "ETag", "Content-Encoding"};
    char value[BOUND], name[NAME_BOUND];
    lkd_download_state_t s;
    download_t d;
    size_t n = Frama_C_size_t_interval(0, BOUND), nn = Frama_C_size_t_interval(0, NAME_BOUND);
    unsigned k = Frama_C_unsigned_int_interval(0, 4);
    const char *nm;
    size_t nm_len;
    memset(&d, 0, sizeof d);
    Frama_C_make_unknown((char *)&s, sizeof s);
    s.etag_len = Frama_C_unsigned_char_interval(0, LKD_DOWNLOAD_ETAG_SIZE - 1);
    Frama_C_make_unknown(value, BOUND);
    Frama_C_make_unknown(name, NAME_BOUND);
    client.internal.http.status_code = Frama_C_interval(INT_MIN, INT_MAX);
    d.c = &client;
    d.s = &s;
    /*@ split k; */
    /*@ split n; */
    if (k < 4) {
        nm = names[k];
        nm_len = strlen(nm);
    } else {
        /*@ split nn; */
        nm = name + NAME_BOUND - nn;
        nm_len = nn;
    }
    (void)download_header(&d, nm, nm_len, value + BOUND - n, n);
    //@ assert s.etag_len < LKD_DOWNLOAD_ETAG_SIZE;
}

int main(void)
{
    content_range();
    header();
    return 0;
}
