/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The WAL-index change stamp of store_sqlite_stamp.h.  The index header
 * is two copies of a 48-byte record in the writer's native byte order:
 * iVersion (u32, 3007000), unused (u32), iChange (u32), isInit (u8),
 * bigEndCksum (u8), szPage (u16), mxFrame (u32), nPage (u32),
 * aFrameCksum (2 x u32), aSalt (2 x u32), aCksum (2 x u32).  A writer
 * fills the second copy, then the first; a reader that finds them
 * different has caught a commit half-way and gets no stamp.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server/store_sqlite_stamp.h"

#define HDR_SIZE 48
#define WAL_INDEX_VERSION 3007000u

int jwtd__sqlite_stamp_open(const char *db_path)
{
    char shm[4096];
    int n;

    if (db_path == NULL || strncmp(db_path, "file:", 5) == 0 ||
        strcmp(db_path, ":memory:") == 0)
        return -1;
    n = snprintf(shm, sizeof(shm), "%s-shm", db_path);
    if (n < 0 || (size_t)n >= sizeof(shm))
        return -1;
    return open(shm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

bool jwtd__sqlite_stamp_read(int fd, uint64_t *stamp)
{
    unsigned char h[2 * HDR_SIZE];
    uint32_t version, change, frame, salt0, salt1;
    uint64_t x;

    if (fd < 0 || pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
        return false;
    if (memcmp(h, h + HDR_SIZE, HDR_SIZE) != 0 || h[12] != 1)
        return false;
    memcpy(&version, h, 4);
    memcpy(&change, h + 8, 4);
    memcpy(&frame, h + 16, 4);
    memcpy(&salt0, h + 32, 4);
    memcpy(&salt1, h + 36, 4);
    if (version != WAL_INDEX_VERSION)
        return false;
    /* The counter and the last frame move with every commit; the salts
     * with every restart of the WAL.  Mixed, not summed, so that two
     * moves cannot cancel out. */
    x = ((uint64_t)change << 32 | frame) ^
        (((uint64_t)salt0 << 32 | salt1) * 0x9e3779b97f4a7c15ull);
    *stamp = x;
    return true;
}
