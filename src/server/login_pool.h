/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The password threads (issue 6): argon2id costs about 18 ms a login, and
 * an HTTP worker serves all of its connections from one event loop, so a login checked on the worker stalls every other request it
 * owns.  The login route instead suspends its connection and hands the
 * check to this small pool (one thread per core, a bounded queue); the
 * thread stores the outcome in the job and resumes the connection, and
 * the route answers from the job.  A full queue is refused at once, never
 * waited for.  The job belongs to its request: the pool only writes it
 * between submit and resume, while the HTTP front keeps the suspended
 * request alive, and never touches it after the resume.
 */
#ifndef JWTD_SERVER_LOGIN_POOL_H
#define JWTD_SERVER_LOGIN_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/auth.h"
#include "server/http.h"
#include "server/store.h"

/* Jobs waiting for a thread; one more is refused with 503. */
#define JWTD__LOGIN_QUEUE_MAX 64u

enum jwtd__login_job_state {
    JWTD__LOGIN_JOB_QUEUED = 0,
    JWTD__LOGIN_JOB_DONE,       /* ok, src and user are the outcome */
    JWTD__LOGIN_JOB_FAILED      /* not run: the server is stopping */
};

/* One password check.  Input filled by the route; outcome by the pool. */
struct jwtd__login_job {
    struct jwtd__conn *conn;    /* suspended until the outcome */
    jwtd__store *store;
    char canonical[JWTD__NAME_MAX + 1];  /* "" when no name is valid */
    char logname[80];               /* sanitised name, for the log */
    int64_t now;                    /* time of the throttle check */
    char *password;                 /* owned; wiped once checked */
    size_t password_len;
    enum jwtd__login_job_state state;
    bool ok;
    jwtd__store_rc src;
    struct jwtd__user user;
};

typedef struct jwtd__login_pool jwtd__login_pool;

/* threads password threads (at least 1); NULL when they cannot start. */
jwtd__login_pool *jwtd__login_pool_new(unsigned threads);
/* Queues the job and suspends job->conn (from the connection's access
 * handler).  Returns false, touching nothing, when the queue is full or
 * the pool is stopping: the caller answers 503 then. */
bool jwtd__login_pool_submit(jwtd__login_pool *p,
                             struct jwtd__login_job *job);
/* Fails the jobs still queued (state FAILED, connection resumed), waits
 * for the running ones to finish and resume theirs, frees the pool.
 * Call while the HTTP workers still run: they answer the resumed
 * requests. */
void jwtd__login_pool_free(jwtd__login_pool *p);

/* Wipes the password, clears the user, frees the job (NULL is fine). */
void jwtd__login_job_free(struct jwtd__login_job *job);

#endif /* JWTD_SERVER_LOGIN_POOL_H */
