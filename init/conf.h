/*
 * conf.h - the configuration: one table of keys (conf_keys.c), one parser for both sources
 * (the kernel command line and the config file), fixed-size storage (no malloc).
 */
#ifndef INNIT_CONF_H
#define INNIT_CONF_H

#include <stddef.h>
#include <stdint.h>

#ifndef MAX_TENANTS
#define MAX_TENANTS 1024
#endif
#define MAX_ARGS 64 /* words in one exec= or shell= command line */
#ifndef CONF_ARENA
#define CONF_ARENA 262144 /* bytes for every string of the configuration */
#endif
#define TENANT_NAME   33   /* [a-z0-9][a-z0-9-]{0,31} and the NUL */
#define CONF_LINE_MAX 4096 /* longest config-file line */

/* Where a value came from; a higher source overrides a lower one. */
enum conf_src { SRC_DEFAULT, SRC_FILE, SRC_CMDLINE };

enum global_key {
	G_CONF,
	G_HOSTNAME,
	G_LOG,
	G_SHELL,
	G_EXIT,
	G_EXIT_PORT,
	G_CAD,
	G_STOP_TIMEOUT,
	G_MOUNT,
	G_BRIDGE,
	G_BRIDGE_ISOLATED,
	G_COUNT
};

enum tenant_key {
	T_ROOT,
	T_OVERLAY,
	T_READONLY,
	T_EXEC,
	T_ENV,
	T_WORKDIR,
	T_USER,
	T_UIDMAP,
	T_NS,
	T_HOSTNAME,
	T_TMP_SIZE,
	T_VOLUME,
	T_RESTART,
	T_STOP_TIMEOUT,
	T_MEMORY,
	T_PIDS,
	T_CPU,
	T_CPU_WEIGHT,
	T_RLIMIT,
	T_CAPS,
	T_SECCOMP,
	T_NET,
	T_IP,
	T_LOG,
	T_AFTER,
	T_COUNT
};

/* Value types; each has one parser in conf.c. */
enum key_type {
	K_STR,	   /* string, optionally checked */
	K_PATH,	   /* absolute path */
	K_BOOL,	   /* n = 0/1 */
	K_SIZE,	   /* n = bytes */
	K_DUR,	   /* n = milliseconds */
	K_UINT,	   /* n, bounded by max */
	K_PERCENT, /* n = percent of one CPU */
	K_ENUM,	   /* n = index into choices */
	K_ARGV,	   /* argv = split command line */
	K_LIST,	   /* repeatable: list of values */
	K_MAP	   /* KEY.SUB=VALUE: list of SUB=VALUE, one per SUB */
};

enum restart_policy { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };
enum log_choice { LOGC_QUIET, LOGC_INFO, LOGC_DEBUG };
enum cad_choice { CAD_REBOOT, CAD_POWEROFF, CAD_IGNORE };
enum tlog_choice { TLOG_CONSOLE, TLOG_NULL };
enum net_choice { NET_NONE, NET_LO, NET_BRIDGE };

struct item {
	struct item *next;
	const char *sub; /* K_MAP: the part after the dot (env var name, rlimit name) */
	const char *val;
	uint8_t src;
};

union val {
	const char *s;
	uint64_t n;
	char **argv;
	struct item *list;
};

struct key {
	const char *name;
	uint8_t type;
	uint8_t cmdline_only;
	const char *def; /* default, parsed like any value; NULL: unset */
	const char *const *choices;
	uint64_t max;
	/* Extra check for K_STR/K_LIST/K_MAP values; returns a reason or NULL. */
	const char *(*check)(const char *sub, const char *val);
	const char *help; /* one line, for the man page and --keys */
};

extern const struct key global_keys[G_COUNT];
extern const struct key tenant_keys[T_COUNT];

struct tenant_conf {
	char name[TENANT_NAME];
	uint8_t invalid; /* a value failed to parse: never start this tenant */
	uint8_t src[T_COUNT];
	union val v[T_COUNT];
};

struct conf {
	uint8_t src[G_COUNT];
	union val g[G_COUNT];
	struct tenant_conf t[MAX_TENANTS];
	int ntenants;
	uint8_t kernel_quiet; /* bare "quiet" on the kernel command line */
	unsigned nerrors, nwarnings;
	char lasterr[256]; /* the last error or warning, for tests */
	size_t used;
	char arena[CONF_ARENA];
};

void conf_init(struct conf *c);
/* Parses a kernel command line (as in /proc/cmdline); only innit.* tokens are read. */
void conf_parse_cmdline(struct conf *c, const char *buf, size_t len);
/* Parses a config file's contents; name is used in messages. */
void conf_parse_file(struct conf *c, const char *name, const char *buf, size_t len);
/* Cross-key checks once both sources are read (required keys, references). */
void conf_finish(struct conf *c);

struct tenant_conf *conf_tenant(struct conf *c, const char *name);
/* The value of a map key's entry, e.g. conf_map(t->v[T_ENV].list, "PATH"), or NULL. */
const char *conf_map(const struct item *list, const char *sub);

#endif
