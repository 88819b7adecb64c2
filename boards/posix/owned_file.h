/* SPDX-License-Identifier: MIT */
/*
 * owned_file.h - the two rules every file the CLI writes beside its output
 * follows (the archive, parse's journal): it is used only when it is a
 * regular file of this user with no other name, and it appears under its
 * name whole or not at all, also after a power cut.
 */
#ifndef LKEDOC_OWNED_FILE_H
#define LKEDOC_OWNED_FILE_H

#include <stddef.h>
#include <sys/stat.h>

/* 1 when sb is a regular file, ours (whoever we are, root included: a file
 * someone else planted is not ours to reuse), with no other name. */
int owned_file_is_ours(const struct stat *sb);

/* Put the file open as fd, named tmp in the directory dir_fd, under name:
 * fsync fd (full disks and I/O errors may only show now), rename tmp over
 * name (a symlink under name is replaced itself, never followed), fsync the
 * directory so that the rename survives a power cut.  0; -1 when the fsync
 * failed, -2 when the rename did (errno says why); fd stays open. */
int owned_file_commit(int dir_fd, int fd, const char *tmp, const char *name);

/* Replace name in dir_fd with the len bytes of data, whole or not at all:
 * they are written to "name.<pid>.tmp", created O_EXCL|O_NOFOLLOW with mode
 * 0600 and checked with owned_file_is_ours, then owned_file_commit.  0, or -1
 * (errno says why; the temporary file is removed). */
int owned_file_replace(int dir_fd, const char *name, const void *data, size_t len);

/* Read name in dir_fd into buf (at most cap - 1 bytes, NUL-terminated, *len
 * set): opened O_NOFOLLOW|O_NONBLOCK (a symlink or FIFO planted under the
 * name is never followed nor waited on) and used only when
 * owned_file_is_ours.  1 when there is no such name; 0 read (a longer file
 * gives its first cap - 1 bytes); -2 when it is not ours (or a symlink);
 * -1 when open, fstat or read failed (errno says why). */
int owned_file_read(int dir_fd, const char *name, char *buf, size_t cap, size_t *len);

#endif
