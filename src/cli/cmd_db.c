/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd db`: the store's schema.  status shows which backend and
 * database --db names, the schema version the database is at and the
 * one this jwtd writes; migrate applies the pending steps (every
 * command that opens the store also does so, so migrate is for doing it
 * deliberately, before starting servers).  The database is named as in
 * `user` and `key`: --db, else $JWTD_DB, else jwtd.db; a postgresql://
 * or postgres:// URL selects PostgreSQL.  Exit codes: 0 done (status:
 * up to date), 1 failed or (status) not up to date, 2 a mistake in the
 * invocation.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/cli_store.h"
#include "cli/commands.h"

#define CMD "jwtd db"

static const char usage[] =
    "usage: jwtd db status [--json] [--db FILE|URL]\n"
    "       jwtd db migrate [--db FILE|URL]\n"
    "\n"
    "Shows or brings up to date the schema of the login server's store:\n"
    "--db, else $JWTD_DB, else jwtd.db in the working directory.  A value\n"
    "starting with postgresql:// or postgres:// is a PostgreSQL database\n"
    "(libpq URL); anything else is a SQLite file.  status exits 1 when\n"
    "the schema is not the one this jwtd writes.\n"
    "\n"
    "  --json            status as a JSON object\n"
    "  --db FILE|URL     the store\n";

struct opts {
    const char *db;
    bool json;
    const char *action;
};

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            return jwtd__cli_bad_option(CMD, c, argv);
        }
    }
    if (optind >= argc)
        return jwtd__cli_usage_error(CMD, "which action? status or migrate");
    o->action = argv[optind++];
    if (optind < argc)
        return jwtd__cli_usage_error(CMD, "unexpected argument '%s'",
                                     argv[optind]);
    if (strcmp(o->action, "status") != 0 &&
        strcmp(o->action, "migrate") != 0)
        return jwtd__cli_usage_error(CMD, "unknown action '%s'", o->action);
    if (o->json && strcmp(o->action, "status") != 0)
        return jwtd__cli_usage_error(CMD, "--json goes with status");
    return 0;
}

/* Flushes stdout; a full disk or closed pipe is a failure. */
static int flush_out(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        jwtd__cli_msg("cannot write the output");
        return JWTD__EXIT_REJECT;
    }
    return 0;
}

/* Opens without migrating, so status reports what it found. */
static int open_store(const char *target, jwtd__store **st)
{
    char err[512];

    if (jwtd__store_open_ex(target, JWTD__STORE_NO_MIGRATE, st, err,
                            sizeof(err)) != JWTD__STORE_OK) {
        jwtd__cli_msg("%s", err);
        return JWTD__EXIT_REJECT;
    }
    return 0;
}

static const char *state_of(int version, int latest)
{
    if (version == latest)
        return "up to date";
    return version < latest ? "migration pending" : "newer than this jwtd";
}

static int status(jwtd__store *st, const char *where, bool json)
{
    int version, latest = jwtd__store_schema_latest();
    jwtd__store_rc src;

    src = jwtd__store_schema_version(st, &version);
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot read the schema version: %s",
                      jwtd__store_strerror(src));
        return JWTD__EXIT_REJECT;
    }
    if (json) {
        fputs("{\"backend\":", stdout);
        jwtd__cli_json_string(stdout, jwtd__store_backend(st));
        fputs(",\"database\":", stdout);
        jwtd__cli_json_string(stdout, where);
        printf(",\"version\":%d,\"latest\":%d,\"state\":", version, latest);
        jwtd__cli_json_string(stdout, state_of(version, latest));
        fputs("}\n", stdout);
    } else {
        printf("backend:  %s\n", jwtd__store_backend(st));
        printf("database: %s\n", where);
        printf("schema:   version %d, this jwtd writes %d: %s\n", version,
               latest, state_of(version, latest));
    }
    if (flush_out() != 0)
        return JWTD__EXIT_REJECT;
    return version == latest ? JWTD__EXIT_OK : JWTD__EXIT_REJECT;
}

static int migrate(jwtd__store *st, const char *where)
{
    char err[512] = "";
    int applied = 0, version = 0;
    jwtd__store_rc src;

    src = jwtd__store_migrate(st, &applied, err, sizeof(err));
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("migration failed: %s",
                      err[0] ? err : jwtd__store_strerror(src));
        return JWTD__EXIT_REJECT;
    }
    src = jwtd__store_schema_version(st, &version);
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot read the schema version: %s",
                      jwtd__store_strerror(src));
        return JWTD__EXIT_REJECT;
    }
    printf("%s (%s): schema version %d, %d step%s applied\n", where,
           jwtd__store_backend(st), version, applied,
           applied == 1 ? "" : "s");
    return flush_out();
}

int jwtd__cmd_db(int argc, char **argv)
{
    struct opts o;
    jwtd__store *st = NULL;
    const char *target;
    char where[512];
    int rc;

    rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    target = jwtd__cli_db_path(o.db);
    jwtd__store_describe(target, where, sizeof(where));
    rc = open_store(target, &st);
    if (rc != 0)
        return rc;
    if (strcmp(o.action, "status") == 0)
        rc = status(st, where, o.json);
    else
        rc = migrate(st, where);
    jwtd__store_close(st);
    return rc;
}
