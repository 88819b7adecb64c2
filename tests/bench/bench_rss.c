/* SPDX-License-Identifier: MIT */
/*
 * bench_rss.c - run a command and report its peak resident set size.
 *
 *     bench_rss OUT_FILE COMMAND [ARG...]
 *
 * Writes {"maxrss_kib":N,"exit":N,"user_s":X,"sys_s":X,"wall_s":X} to OUT_FILE
 * when the command ends (ru_maxrss from wait4) and exits with the command's
 * status.  A small launcher, because Linux records the RSS high-water mark of
 * the image a process replaces at exec: a command forked or vforked from a
 * large process (a Python interpreter) would inherit that process's RSS as a
 * floor of its own ru_maxrss.  Forked from this program, that floor is this
 * program's own few hundred KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rusage ru;
    struct timespec t0, t1;
    int status = 0, code;
    pid_t pid;
    FILE *f;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_rss OUT_FILE COMMAND [ARG...]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    f = fopen(argv[1], "w");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    fprintf(f, "{\"maxrss_kib\":%ld,\"exit\":%d,\"user_s\":%.6f,\"sys_s\":%.6f,\"wall_s\":%.6f}\n", ru.ru_maxrss,
            code, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
            (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    fclose(f);
    return code;
}
