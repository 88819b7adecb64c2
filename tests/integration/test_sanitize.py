# SPDX-License-Identifier: MIT
"""The sanitizer build (make sanitize-build: build/san, ASan + UBSan, no
recovery, abort on any report, leaks on) through the unit programs and a
representative part of the CLI suites: the whole job, API errors, the clock,
TLS refusals, retries and hostile answers.  Each part is a nested run of the
test runner with LKEDOC_CLI=build/san/lkedoc and --sanitizer-reports, so a
test also fails when a program it ran printed a sanitizer report.  `make
sanitize` runs all of test_cli, test_job and test_hostile instead."""
import os
import re
import subprocess

import nested_run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAN = os.path.join(ROOT, "build", "san")
MARKS = ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "SUMMARY: ")

SUBSET = {
    "test_job": ["test_parse_does_the_whole_job", "test_create_with_url_and_options",
                 "test_unsigned_payload_streams_once", "test_wait_reports_a_failed_task",
                 "test_download_resumes_after_drops", "test_expired_url_is_refreshed",
                 "test_rate_limits_and_overload_are_retried", "test_server_closing_kept_alive_connections",
                 "test_too_large_file_is_refused_before_sending", "test_device_clock_two_hours_ahead",
                 "test_device_clock_never_set", "test_cancel_task"],
    "test_cli": ["test_life_cycle_in_pascal_case", "test_success_url_is_unescaped",
                 "test_many_tasks_share_one_connection", "test_lkeap_profile_with_usage_and_task_error",
                 "test_unknown_task_is_an_api_error", "test_server_clock_ahead_is_corrected_from_its_date",
                 "test_untrusted_ca_is_refused_before_any_request",
                 "test_wrong_host_name_is_refused_before_any_request", "test_connection_refused",
                 "test_http_500_with_html", "test_truncated_body_is_not_success", "test_body_that_is_not_json",
                 "test_body_larger_than_the_buffer", "test_credentials_file", "test_verbose_never_shows_secrets",
                 "test_usage_errors"],
    "test_hostile": ["test_garbage_status_lines", "test_hostile_headers", "test_content_length_lies",
                     "test_chunked_lies", "test_hostile_json", "test_redirects_are_never_followed",
                     "test_unusable_result_urls_are_refused_or_malformed", "test_truncation_close_delimited",
                     "test_truncation_close_delimited_with_close_notify",
                     "test_one_client_recovers_after_each_fault"],
}


def nested(args, timeout=600):
    passed, out = nested_run.nested(SAN, args, timeout, ["--sanitizer-reports"])
    reports = [line for line in out.splitlines() if any(k in line for k in MARKS)]
    assert not reports, out[-12000:]
    return passed, out


def test_sanitizer_build():
    proc = subprocess.run(["make", "-s", "-j2", "sanitize-build"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert os.access(os.path.join(SAN, "lkedoc"), os.X_OK)
    syms = subprocess.run(["nm", os.path.join(SAN, "lkedoc")], capture_output=True, text=True).stdout
    assert "__asan_default_options" in syms and "__ubsan" in syms, "not a sanitizer build"


def test_unit_programs_under_sanitizers():
    nested_run.every_unit_program_passes(SAN, nested)


def subset(suite):
    names = SUBSET[suite]
    args = ["--no-unit", "--suite", suite]
    for n in names:
        args += ["-k", f"{suite}/{n}"]
    passed, out = nested(args)
    ran = re.findall(rf"^ok   {suite}/(\w+)", out, re.M)
    assert sorted(ran) == sorted(names), (sorted(set(names) - set(ran)), out[-4000:])


def test_job_under_sanitizers():
    subset("test_job")


def test_cli_under_sanitizers():
    subset("test_cli")


def test_hostile_answers_under_sanitizers():
    subset("test_hostile")
