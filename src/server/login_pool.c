/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The password threads (login_pool.h): a ring of at most
 * JWTD__LOGIN_QUEUE_MAX waiting jobs under one mutex, worked by a fixed
 * set of threads that run jwtd__login_check_rc and resume the suspended
 * connection.  Submission never waits: the worker thread of the
 * HTTP front must stay free for the other connections it serves.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server/http.h"
#include "server/login_pool.h"

/* Nice value of the password threads. */
#define LOGIN_NICE 10

struct jwtd__login_pool {
    pthread_mutex_t lock;
    pthread_cond_t ready;           /* a job was queued, or stopping */
    struct jwtd__login_job *ring[JWTD__LOGIN_QUEUE_MAX];
    unsigned head;                  /* next job to take */
    unsigned count;                 /* jobs waiting */
    bool stopping;
    unsigned nthreads;              /* started */
    pthread_t *threads;
};

static void wipe_password(struct jwtd__login_job *job)
{
    if (job->password != NULL) {
        OPENSSL_cleanse(job->password, job->password_len);
        free(job->password);
        job->password = NULL;
    }
    job->password_len = 0;
}

/* The last thing done with a job: after the resume the worker may
 * answer and free it at any moment. */
static void hand_back(struct jwtd__login_job *job,
                      enum jwtd__login_job_state state)
{
    struct jwtd__conn *conn = job->conn;

    job->state = state;
    jwtd__conn_resume(conn);
}

static void *run(void *arg)
{
    struct jwtd__login_pool *p = arg;
    struct jwtd__login_job *job;

#ifdef __linux__
    /* A lower priority than the workers (Linux nice is per thread):
     * with every core busy hashing, the protected routes still get the
     * CPU first, and logins use what is left (issue 6).  Best effort. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
                      LOGIN_NICE);
#endif
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->count == 0 && !p->stopping)
            pthread_cond_wait(&p->ready, &p->lock);
        if (p->count == 0) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        job = p->ring[p->head];
        p->head = (p->head + 1) % JWTD__LOGIN_QUEUE_MAX;
        p->count--;
        pthread_mutex_unlock(&p->lock);
        /* The same check, and so the same cost, as on the worker: a
         * wrong user and a wrong password still take alike (SV-02). */
        memset(&job->user, 0, sizeof(job->user));
        job->ok = jwtd__login_check_rc(job->store, job->canonical,
                                       job->password, job->password_len,
                                       &job->user, &job->src);
        wipe_password(job);
        hand_back(job, JWTD__LOGIN_JOB_DONE);
    }
}

jwtd__login_pool *jwtd__login_pool_new(unsigned threads)
{
    struct jwtd__login_pool *p;
    unsigned i;

    if (threads == 0)
        threads = 1;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->threads = calloc(threads, sizeof(*p->threads));
    if (p->threads == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->threads);
        free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->ready, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p->threads);
        free(p);
        return NULL;
    }
    for (i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, run, p) != 0)
            break;
        p->nthreads++;
    }
    if (p->nthreads == 0) {
        jwtd__login_pool_free(p);
        return NULL;
    }
    return p;
}

bool jwtd__login_pool_submit(jwtd__login_pool *p,
                             struct jwtd__login_job *job)
{
    bool ok = false;

    pthread_mutex_lock(&p->lock);
    if (!p->stopping && p->count < JWTD__LOGIN_QUEUE_MAX) {
        /* Suspended before any thread can see the job, so the resume
         * never comes first. */
        job->state = JWTD__LOGIN_JOB_QUEUED;
        jwtd__conn_suspend(job->conn);
        p->ring[(p->head + p->count) % JWTD__LOGIN_QUEUE_MAX] = job;
        p->count++;
        pthread_cond_signal(&p->ready);
        ok = true;
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

void jwtd__login_pool_free(jwtd__login_pool *p)
{
    struct jwtd__login_job *job;
    unsigned i;

    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    /* Queued jobs are failed rather than run: the server is going. */
    while (p->count > 0) {
        job = p->ring[p->head];
        p->head = (p->head + 1) % JWTD__LOGIN_QUEUE_MAX;
        p->count--;
        wipe_password(job);
        hand_back(job, JWTD__LOGIN_JOB_FAILED);
    }
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}

void jwtd__login_job_free(struct jwtd__login_job *job)
{
    if (job == NULL)
        return;
    wipe_password(job);
    jwtd__user_clear(&job->user);
    OPENSSL_cleanse(job, sizeof(*job));
    free(job);
}
