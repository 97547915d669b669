/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd user`: add, list, change the password of, disable, enable and
 * delete the server's users.  Names are taken in their canonical form
 * (NFKC, case-folded), exactly as the login page will compare them.
 * Passwords come from a prompt or one line of standard input, never from
 * argv.  Changing a password, disabling or deleting a user ends that
 * user's sessions on a running server at once (the store records when).
 * Exit codes: 0 done, 1 refused or failed (no such user, name taken,
 * store error), 2 a mistake in the invocation.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli_args.h"
#include "cli/cli_store.h"
#include "cli/commands.h"
#include "server/auth.h"

#define CMD "jwtd user"

/* Roles become claims: a short list of plain words. */
#define ROLE_MAX 64
#define ROLES_MAX 512

static const char usage[] =
    "usage: jwtd user add NAME [--roles R[,R...]] [--db FILE]\n"
    "       jwtd user list [--json] [--db FILE]\n"
    "       jwtd user passwd NAME [--db FILE]\n"
    "       jwtd user disable NAME [--db FILE]\n"
    "       jwtd user enable NAME [--db FILE]\n"
    "       jwtd user del NAME [--db FILE]\n"
    "\n"
    "Manages the users of the login server's store: --db FILE, else\n"
    "$JWTD_DB, else jwtd.db in the working directory.  The password of\n"
    "add and passwd is asked twice on a terminal, or read as one line\n"
    "from standard input; never give it on the command line.  Names are\n"
    "stored in one canonical form (Unicode NFKC, case-folded).  passwd,\n"
    "disable and del end the user's current sessions.\n"
    "\n"
    "  --roles R[,R...]  roles for the token (letters, digits, _ . : -)\n"
    "  --json            list as a JSON array\n"
    "  --db FILE         the store\n";

struct opts {
    const char *db;
    const char *roles;
    bool json;
    const char *action;
    const char *name;
};

static bool role_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
           c == '-';
}

/* A comma-separated list of non-empty roles of plain characters; the
 * empty string means no role. */
static bool roles_valid(const char *r)
{
    size_t len = 0;

    if (strlen(r) > ROLES_MAX)
        return false;
    if (*r == '\0')
        return true;
    for (;; r++) {
        if (*r == ',' || *r == '\0') {
            if (len == 0)
                return false;
            if (*r == '\0')
                return true;
            len = 0;
        } else if (!role_char(*r) || ++len > ROLE_MAX) {
            return false;
        }
    }
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"roles", required_argument, NULL, 'r'},
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
        case 'r':
            o->roles = optarg;
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
        return jwtd__cli_usage_error(CMD, "which action? add, list, "
                                     "passwd, disable, enable or del");
    o->action = argv[optind++];
    if (optind < argc)
        o->name = argv[optind++];
    /* The extra word is not echoed: it may be a password typed where
     * it does not belong. */
    if (optind < argc)
        return jwtd__cli_usage_error(CMD, "too many arguments (a password "
                                     "is read from standard input, never "
                                     "taken from the command line)");
    return 0;
}

/* Checks the options against the action. */
static int check(const struct opts *o)
{
    bool list = strcmp(o->action, "list") == 0;
    bool add = strcmp(o->action, "add") == 0;

    if (!list && !add && strcmp(o->action, "passwd") != 0 &&
        strcmp(o->action, "disable") != 0 &&
        strcmp(o->action, "enable") != 0 && strcmp(o->action, "del") != 0)
        return jwtd__cli_usage_error(CMD, "unknown action '%s'", o->action);
    if (list && o->name != NULL)
        return jwtd__cli_usage_error(CMD, "list takes no name");
    if (!list && o->name == NULL)
        return jwtd__cli_usage_error(CMD, "%s needs a user name",
                                     o->action);
    if (o->json && !list)
        return jwtd__cli_usage_error(CMD, "--json goes with list");
    if (o->roles != NULL && !add)
        return jwtd__cli_usage_error(CMD, "--roles goes with add");
    if (o->roles != NULL && !roles_valid(o->roles))
        return jwtd__cli_usage_error(CMD, "bad --roles '%s': a comma-"
                                     "separated list of names made of "
                                     "letters, digits, _ . : -", o->roles);
    return 0;
}

static int print_row(const struct jwtd__user *u, void *arg)
{
    char when[32];

    (void)arg;
    jwtd__cli_utc_time(u->created_at, when, sizeof(when));
    printf("%-6lld %-24s %-9s %-20s %s\n", (long long)u->id, u->name,
           u->disabled ? "disabled" : "active", when, u->roles);
    return 0;
}

/* One element of the --json array; arg counts the elements so far. */
static int print_json(const struct jwtd__user *u, void *arg)
{
    size_t *n = arg;
    const char *r = u->roles, *comma;

    fputs(*n == 0 ? "[\n  {" : ",\n  {", stdout);
    printf("\"id\":%lld,\"name\":", (long long)u->id);
    jwtd__cli_json_string(stdout, u->name);
    fputs(",\"roles\":[", stdout);
    while (*r != '\0') {
        comma = strchr(r, ',');
        printf("%s\"%.*s\"", r == u->roles ? "" : ",",
               (int)(comma ? (size_t)(comma - r) : strlen(r)), r);
        r = comma ? comma + 1 : r + strlen(r);
    }
    printf("],\"disabled\":%s,\"created_at\":%lld}",
           u->disabled ? "true" : "false", (long long)u->created_at);
    (*n)++;
    return 0;
}

static int do_list(jwtd__store *st, bool json)
{
    jwtd__store_rc rc;
    size_t n = 0;

    if (json) {
        rc = jwtd__store_user_each(st, print_json, &n);
        fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
    } else {
        printf("%-6s %-24s %-9s %-20s %s\n", "ID", "NAME", "STATE",
               "CREATED", "ROLES");
        rc = jwtd__store_user_each(st, print_row, NULL);
    }
    if (rc != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot read the users from the store");
        return JWTD__EXIT_REJECT;
    }
    return fflush(stdout) == 0 ? 0 : JWTD__EXIT_REJECT;
}

/* Asks for a password and hashes it into hash. */
static int new_hash(const char *name, char *hash, size_t size)
{
    char pw[JWTD__PASSWORD_MAX + 2];
    size_t len = 0;
    int rc;

    rc = jwtd__cli_read_new_password(name, pw, sizeof(pw), &len);
    if (rc == 0 && !jwtd__password_hash(pw, len, hash, size)) {
        jwtd__cli_msg("cannot hash the password");
        rc = JWTD__EXIT_REJECT;
    }
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

static int do_add(jwtd__store *st, const char *name, const char *roles)
{
    char hash[crypto_pwhash_STRBYTES];
    struct jwtd__user u;
    int64_t id = 0;
    jwtd__store_rc src;
    int rc;

    /* Say so before asking for a password that would be thrown away. */
    src = jwtd__store_user_get(st, name, &u);
    jwtd__user_clear(&u);
    if (src == JWTD__STORE_OK) {
        jwtd__cli_msg("user '%s' already exists", name);
        return JWTD__EXIT_REJECT;
    }
    rc = new_hash(name, hash, sizeof(hash));
    if (rc != 0)
        return rc;
    src = jwtd__store_user_add(st, name, hash, roles ? roles : "", &id);
    sodium_memzero(hash, sizeof(hash));
    if (src == JWTD__STORE_EXISTS) {
        jwtd__cli_msg("user '%s' already exists", name);
        return JWTD__EXIT_REJECT;
    }
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot add user '%s' to the store", name);
        return JWTD__EXIT_REJECT;
    }
    printf("added user '%s' (id %lld)\n", name, (long long)id);
    return 0;
}

static int do_passwd(jwtd__store *st, const char *name)
{
    char hash[crypto_pwhash_STRBYTES];
    struct jwtd__user u;
    jwtd__store_rc src;
    int rc;

    src = jwtd__store_user_get(st, name, &u);
    jwtd__user_clear(&u);
    if (src == JWTD__STORE_NOT_FOUND) {
        jwtd__cli_msg("no user '%s'", name);
        return JWTD__EXIT_REJECT;
    }
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot read user '%s' from the store", name);
        return JWTD__EXIT_REJECT;
    }
    rc = new_hash(name, hash, sizeof(hash));
    if (rc != 0)
        return rc;
    src = jwtd__store_user_set_password(st, name, hash);
    sodium_memzero(hash, sizeof(hash));
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg(src == JWTD__STORE_NOT_FOUND ? "no user '%s'"
                      : "cannot change the password of '%s'", name);
        return JWTD__EXIT_REJECT;
    }
    printf("changed the password of '%s'; its sessions have ended\n", name);
    return 0;
}

/* disable, enable and del. */
static int do_change(jwtd__store *st, const char *action, const char *name)
{
    jwtd__store_rc src;
    const char *done, *tail = "";

    if (strcmp(action, "del") == 0) {
        src = jwtd__store_user_delete(st, name);
        done = "deleted";
    } else if (strcmp(action, "disable") == 0) {
        src = jwtd__store_user_set_disabled(st, name, true);
        done = "disabled";
        tail = "; its sessions have ended";
    } else {
        src = jwtd__store_user_set_disabled(st, name, false);
        done = "enabled";
    }
    if (src == JWTD__STORE_NOT_FOUND) {
        jwtd__cli_msg("no user '%s'", name);
        return JWTD__EXIT_REJECT;
    }
    if (src != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot change user '%s' in the store", name);
        return JWTD__EXIT_REJECT;
    }
    printf("%s user '%s'%s\n", done, name, tail);
    return 0;
}

int jwtd__cmd_user(int argc, char **argv)
{
    char name[JWTD__NAME_MAX + 1];
    struct opts o;
    jwtd__store *st = NULL;
    int rc;

    rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    rc = check(&o);
    if (rc != 0)
        return rc;
    if (o.name != NULL &&
        !jwtd__name_canonical(o.name, strlen(o.name), name, sizeof(name)))
        return jwtd__cli_usage_error(CMD, "invalid user name: names are 1 "
                                     "to %d bytes, without control or "
                                     "zero-width characters or white "
                                     "space at either end", JWTD__NAME_MAX);
    rc = jwtd__cli_open_store(jwtd__cli_db_path(o.db),
                              strcmp(o.action, "add") == 0, &st);
    if (rc != 0)
        return rc;
    if (strcmp(o.action, "list") == 0)
        rc = do_list(st, o.json);
    else if (strcmp(o.action, "add") == 0)
        rc = do_add(st, name, o.roles);
    else if (strcmp(o.action, "passwd") == 0)
        rc = do_passwd(st, name);
    else
        rc = do_change(st, o.action, name);
    jwtd__store_close(st);
    return rc;
}
