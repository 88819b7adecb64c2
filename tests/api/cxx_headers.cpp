// SPDX-License-Identifier: MIT
// cxx_headers.cpp - every public header of lkedoc in one C++ program (g++
// -std=c++11 -Wall -Wextra -Werror -pedantic, tests/integration/test_api.py):
// the headers compile as C++, their extern "C" guards give the functions C
// linkage (a missing guard is an undefined, name-mangled reference at link
// time), and the version macros agree with the library the program links.
#include "lkd_client.h"
#include "lkd_config.h"
#include "lkd_internal.h"
#include "lkd_job.h"
#include "lkd_port.h"
#include "lkd_status.h"
#include "lkd_types.h"
#include "lkd_version.h"
#include "port_lwip.h"
#include "port_lwip_raw.h"
#include "port_posix.h"
#include "port_template.h"

#include <cstdio>
#include <cstring>

static lkd_client_t client;

int main()
{
    lkd_settings_t s;
    lkd_port_t port;
    lkd_client_stats_t stats;
    lkd_wait_options_t w;
    char numbers[32];
    int bad = 0;

    std::snprintf(numbers, sizeof numbers, "%d.%d.%d", LKD_VERSION_MAJOR, LKD_VERSION_MINOR, LKD_VERSION_PATCH);
    bad |= std::strcmp(numbers, LKD_VERSION_STRING) != 0;
    bad |= std::strcmp(lkd_version(), LKD_VERSION_STRING) != 0;
    bad |= LKD_VERSION_NUMBER != ((LKD_VERSION_MAJOR << 16) | (LKD_VERSION_MINOR << 8) | LKD_VERSION_PATCH);

    lkd_settings_default(&s, LKD_PROFILE_LKEAP);
    s.secret_id = "AKIDCXX";
    s.secret_key = "cxx-secret";
    lkd_port_posix_init(&port);
    bad |= lkd_client_init(&client, &s, &port) != LKD_OK;
    bad |= lkd_client_stats(&client, &stats) != LKD_OK || stats.requests_sent != 0;
    bad |= std::strcmp(lkd_client_settings(&client)->service, "lkeap") != 0;
    bad |= lkd_api_classify("RequestLimitExceeded", 20) != LKD_API_CLASS_RETRYABLE;
    lkd_wait_options_default(&w);
    bad |= w.timeout_ms == 0;
    lkd_client_free(&client);

    std::printf("c++: lkedoc %s, %s, %s: %s\n", lkd_version(), lkd_strerror(LKD_ERR_TIMEOUT),
                lkd_task_status_name(LKD_TASK_SUCCESS), bad ? "FAILED" : "ok");
    return bad;
}
