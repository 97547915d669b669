/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * A change stamp for a SQLite store in WAL mode, read from the WAL index
 * file ("<db>-shm", https://www.sqlite.org/walformat.html) rather than
 * through SQLite: every commit, by any process, rewrites the index
 * header with a new change counter (iChange) and last frame (mxFrame)
 * before the commit returns.  Reading 96 bytes with pread() takes no
 * lock, where a SQLite read transaction takes several fcntl() locks: it
 * is what lets a protected request use the user cache on SQLite and
 * still see a `jwtd user` change on the very next request (issue 6).
 */
#ifndef JWTD_SERVER_STORE_SQLITE_STAMP_H
#define JWTD_SERVER_STORE_SQLITE_STAMP_H

#include <stdbool.h>
#include <stdint.h>

/* Opens the WAL index of the database at db_path for reading; -1 when
 * there is none (not WAL, or not a plain path). */
int jwtd__sqlite_stamp_open(const char *db_path);

/* The stamp now.  False when fd is -1, the header is not initialised,
 * not the version this code knows, or caught between the two copies a
 * writer updates: the caller must then ask SQLite itself. */
bool jwtd__sqlite_stamp_read(int fd, uint64_t *stamp);

#endif /* JWTD_SERVER_STORE_SQLITE_STAMP_H */
