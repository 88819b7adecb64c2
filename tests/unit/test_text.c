/* SPDX-License-Identifier: MIT */
/* The shared text helpers: the one ASCII case fold (every byte), hex digits
 * both ways, decimal formatting and reading, the case-insensitive comparison, the
 * appending writer, and the entries of a packed string list. */
#include <string.h>

#include "lkd_text.h"
#include "unit.h"

static void test_case_fold_every_byte(void)
{
    static const char small[] = "abcdefghijklmnopqrstuvwxyz", capital[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    int b;
    for (b = 0; b < 256; b++) {
        char c = (char)b;
        const char *s = b != 0 ? strchr(small, b) : NULL, *k = b != 0 ? strchr(capital, b) : NULL;
        CHECK_EQ_INT(lkd_text_lower(c), k != NULL ? small[k - capital] : c);
        CHECK_EQ_INT(lkd_text_upper(c), s != NULL ? capital[s - small] : c);
    }
}

static void test_hex_both_ways(void)
{
    static const char digits[] = "0123456789abcdef", capitals[] = "ABCDEF";
    int b;
    unsigned v;
    for (b = 0; b < 256; b++) {
        const char *d = b != 0 ? strchr(digits, b) : NULL, *k = b != 0 ? strchr(capitals, b) : NULL;
        CHECK_EQ_INT(lkd_text_hex_value((char)b), d != NULL ? d - digits : k != NULL ? 10 + (k - capitals) : -1);
    }
    for (v = 0; v < 16; v++) {
        CHECK_EQ_INT(lkd_text_hex_digit(v), digits[v]);
        CHECK_EQ_INT(lkd_text_hex_digit(v + 0xA0u), digits[v]); /* only the low four bits count */
        CHECK_EQ_INT(lkd_text_hex_value(lkd_text_hex_digit(v)), v);
    }
}

static void test_decimal_and_comparison(void)
{
    char buf[LKD_TEXT_DEC_SIZE];
    CHECK(strcmp(lkd_text_format_dec(0, buf), "0") == 0);
    CHECK(strcmp(lkd_text_format_dec(18446744073709551615ull, buf), "18446744073709551615") == 0);
    CHECK_EQ_INT(lkd_text_equals_nocase("Retry-After", 11, "retry-after"), 1);
    CHECK_EQ_INT(lkd_text_equals_nocase("Retry-After", 10, "retry-after"), 0);
    CHECK_EQ_INT(lkd_text_equals_nocase("Retry-Afteq", 11, "retry-after"), 0);
    CHECK_EQ_INT(lkd_text_equals_nocase(NULL, 0, ""), 1);
    CHECK_EQ_INT(lkd_text_equals_nocase("\xc4", 1, "\xe4"), 0); /* ASCII only */
}

static void test_decimal_reading(void)
{
    uint64_t v = 7;
    CHECK_EQ_INT(lkd_text_parse_u64("18446744073709551615", 20, &v), 20);
    CHECK(v == UINT64_MAX);
    CHECK_EQ_INT(lkd_text_parse_u64("18446744073709551616", 20, &v), 0); /* one over */
    CHECK_EQ_INT(lkd_text_parse_u64("99999999999999999999", 20, &v), 0);
    CHECK_EQ_INT(lkd_text_parse_u64("12a", 3, &v), 2);
    CHECK(v == 12);
    CHECK_EQ_INT(lkd_text_parse_u64("123", 2, &v), 2); /* only n bytes are read */
    CHECK(v == 12);
    CHECK_EQ_INT(lkd_text_parse_u64("007", 3, &v), 3);
    CHECK(v == 7);
    CHECK_EQ_INT(lkd_text_parse_u64("-1", 2, &v), 0);
    CHECK_EQ_INT(lkd_text_parse_u64("", 0, &v), 0);
}

static void test_writer(void)
{
    char out[8];
    lkd_text_writer_t w = {out, sizeof out, 0, 0};
    lkd_text_put_str(&w, "ab");
    lkd_text_put_dec(&w, 305);
    lkd_text_put(&w, NULL, 0);
    CHECK_EQ_INT(w.pos, 5);
    CHECK(!w.overflow && memcmp(out, "ab305", 5) == 0);
    lkd_text_put_str(&w, "cdef"); /* one byte too many: nothing of it */
    CHECK(w.overflow);
    CHECK_EQ_INT(w.pos, 5);
    lkd_text_put_str(&w, "c"); /* would fit, but the text is already cut */
    CHECK_EQ_INT(w.pos, 5);
    w.pos = 5;
    w.overflow = 0;
    lkd_text_put_str(&w, "cde");
    CHECK(!w.overflow && w.pos == 8 && memcmp(out, "ab305cde", 8) == 0);
}

static void test_nth_of_a_list(void)
{
    static const char list[] = "ab\0" "c\0" "def\0";
    CHECK(strcmp(lkd_text_nth(list, 0, "none"), "ab") == 0);
    CHECK(strcmp(lkd_text_nth(list, 1, "none"), "c") == 0);
    CHECK(strcmp(lkd_text_nth(list, 2, "none"), "def") == 0);
    CHECK(strcmp(lkd_text_nth(list, 3, "none"), "none") == 0);
    CHECK(strcmp(lkd_text_nth(list, (unsigned)-1, "none"), "none") == 0);
    CHECK(strcmp(lkd_text_nth("", 0, "none"), "none") == 0);
}

/* ip as text parses to want (len 4 or 16). */
static int parses_to(const char *ip, const uint8_t *want, size_t len)
{
    uint8_t out[16];
    return lkd_text_parse_ip(ip, strlen(ip), out) == len && memcmp(out, want, len) == 0;
}

static int refused(const char *ip)
{
    uint8_t out[16];
    return lkd_text_parse_ip(ip, strlen(ip), out) == 0;
}

static void test_ip_literals(void)
{
    static const uint8_t v4[4] = {127, 0, 0, 1}, v4max[4] = {255, 255, 255, 255}, zero16[16] = {0};
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t full[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0xab, 0xcd};
    static const uint8_t head[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t mid[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
    static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    CHECK(parses_to("127.0.0.1", v4, 4));
    CHECK(parses_to("255.255.255.255", v4max, 4));
    CHECK(parses_to("::1", loop6, 16));
    CHECK(parses_to("::", zero16, 16));
    CHECK(parses_to("2001:db8:1:2:3:4:5:ABCD", full, 16));
    CHECK(parses_to("fe80::", head, 16));
    CHECK(parses_to("2001:0db8::0001", mid, 16));
    CHECK(parses_to("::ffff:c000:201", mapped, 16));
    CHECK(refused("::ffff:192.0.2.1")); /* the dotted-quad tail is not taken: its hex form is */
    /* Names, and near misses that are no address (the host is then a name). */
    CHECK(refused("lke.intl.tencentcloudapi.com"));
    CHECK(refused(""));
    CHECK(refused("127.0.0"));
    CHECK(refused("127.0.0.1."));
    CHECK(refused("127.0.0.256"));
    CHECK(refused("127.0.0.01")); /* octal to some resolvers */
    CHECK(refused("1270.0.0.1"));
    CHECK(refused("127.0.0.1a"));
    CHECK(refused("[::1]"));
    CHECK(refused(":::1"));
    CHECK(refused("1::2::3"));
    CHECK(refused("1:2:3:4:5:6:7:8:9"));
    CHECK(refused("1:2:3:4:5:6:7"));
    CHECK(refused("1:2:3:4:5:6:7:8::"));
    CHECK(refused("12345::1"));
    CHECK(refused("::1:"));
    CHECK(refused(":1::"));
    CHECK(refused("fe80::1%eth0"));
    CHECK(refused("::ffff:192.0.2"));
    CHECK(refused("1:2:3:4:5:6:7:1.2.3.4"));
    CHECK(refused("1.2.3.4::"));
    /* The length bounds the read: the same bytes, cut. */
    {
        uint8_t out[16];
        CHECK(lkd_text_parse_ip("127.0.0.1", 7, out) == 0);
        CHECK(lkd_text_parse_ip("::1", 1, out) == 0);
        CHECK(lkd_text_parse_ip("::1x", 3, out) == 16 && memcmp(out, loop6, 16) == 0);
    }
}

int main(void)
{
    test_ip_literals();
    test_case_fold_every_byte();
    test_hex_both_ways();
    test_decimal_and_comparison();
    test_decimal_reading();
    test_writer();
    test_nth_of_a_list();
    return unit_report("text");
}
