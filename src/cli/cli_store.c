/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Plumbing for the commands that work on the server's store.  Passwords
 * are read with read(2) one byte at a time, so no stdio buffer keeps a
 * copy, and never come from the command line, where `ps` and shell
 * history would show them.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli_args.h"
#include "cli/cli_store.h"
#include "server/auth.h"

const char *jwtd__cli_db_path(const char *flag)
{
    const char *env;

    if (flag != NULL)
        return flag;
    env = getenv("JWTD_DB");
    if (env != NULL && *env != '\0')
        return env;
    return JWTD__CLI_DEFAULT_DB;
}

int jwtd__cli_open_store(const char *path, bool create, jwtd__store **st)
{
    char err[512];
    struct stat sb;

    /* A mistyped --db must not quietly make an empty store that then
     * lists no users: only commands that add something create one. */
    if (!create && strstr(path, "://") == NULL && stat(path, &sb) != 0) {
        jwtd__cli_msg("no store at '%s' (give --db, set JWTD_DB, or "
                      "create it with 'jwtd user add' or 'jwtd serve')",
                      path);
        return JWTD__EXIT_REJECT;
    }
    bool is_new = strstr(path, "://") == NULL && stat(path, &sb) != 0;

    if (jwtd__store_open(path, st, err, sizeof(err)) != JWTD__STORE_OK) {
        jwtd__cli_msg("%s", err);
        return JWTD__EXIT_REJECT;
    }
    /* Said aloud: a user added to a new store in the wrong directory is
     * one a running server never sees. */
    if (is_new)
        jwtd__cli_msg("created a new store at '%s'", path);
    return 0;
}

/* Reads one line from fd into buf.  Returns the length without the line
 * end, -1 on a read error, or -2 when the line does not fit (the rest of
 * the line is consumed so nothing of it is left to the next reader). */
static long read_line(int fd, char *buf, size_t size, bool *got_any)
{
    size_t n = 0;
    bool too_long = false;
    ssize_t r;
    char c;

    *got_any = false;
    for (;;) {
        r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0 || c == '\n')
            break;
        *got_any = true;
        if (n + 1 >= size)
            too_long = true;
        else
            buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    c = 0;
    return too_long ? -2 : (long)n;
}

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios saved_tty;

/* Ctrl-C at the prompt: give the terminal its echo back, then die of the
 * signal as usual.  tcsetattr, signal and raise are async-signal-safe. */
static void restore_and_die(int sig)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Prompts on stderr and reads a line from the terminal on stdin with
 * echo turned off. */
static long read_hidden(const char *prompt, char *buf, size_t size)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
    struct sigaction sa, old_sa[sizeof(sigs) / sizeof(sigs[0])];
    struct termios quiet;
    bool got_any;
    size_t i;
    long n;

    fputs(prompt, stderr);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = restore_and_die;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, &old_sa[i]);
    quiet = saved_tty;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    n = -1;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
        n = read_line(STDIN_FILENO, buf, size, &got_any);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &old_sa[i], NULL);
    fputc('\n', stderr);
    return n;
}

static int check_password(const char *buf, long n)
{
    if (n == -2 || n > JWTD__PASSWORD_MAX) {
        jwtd__cli_msg("password too long (at most %d bytes)",
                      JWTD__PASSWORD_MAX);
        return JWTD__EXIT_USAGE;
    }
    if (n < 0) {
        jwtd__cli_msg("cannot read the password: %s", strerror(errno));
        return JWTD__EXIT_REJECT;
    }
    if (n == 0) {
        jwtd__cli_msg("empty password refused");
        return JWTD__EXIT_USAGE;
    }
    if (!jwtd__password_acceptable(buf, (size_t)n)) {
        jwtd__cli_msg("password is not valid UTF-8");
        return JWTD__EXIT_USAGE;
    }
    return 0;
}

int jwtd__cli_read_new_password(const char *who, char *buf, size_t size,
                                size_t *len)
{
    char again[JWTD__PASSWORD_MAX + 2];
    char prompt[256];
    bool got_any;
    long n, m;
    int rc;

    *len = 0;
    if (size < JWTD__PASSWORD_MAX + 2)
        return JWTD__EXIT_REJECT;
    if (isatty(STDIN_FILENO) != 1) {
        n = read_line(STDIN_FILENO, buf, JWTD__PASSWORD_MAX + 2, &got_any);
        rc = check_password(buf, n);
        if (rc == 0)
            *len = (size_t)n;
        return rc;
    }
    snprintf(prompt, sizeof(prompt), "New password for %s: ", who);
    n = read_hidden(prompt, buf, JWTD__PASSWORD_MAX + 2);
    rc = check_password(buf, n);
    if (rc != 0)
        return rc;
    m = read_hidden("Repeat the password: ", again, sizeof(again));
    rc = m == n && sodium_memcmp(buf, again, (size_t)n) == 0
             ? 0 : JWTD__EXIT_REJECT;
    sodium_memzero(again, sizeof(again));
    if (rc != 0) {
        jwtd__cli_msg("the passwords do not match; nothing changed");
        return rc;
    }
    *len = (size_t)n;
    return 0;
}

void jwtd__cli_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    for (; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void jwtd__cli_utc_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "%lld", (long long)t);
}
