/*
 * conf_keys.c - THE table of configuration keys (SPEC §3): name, type, default, checks, help.
 * The parser (conf.c), its validation and `innit --keys` (from which docs are checked) all
 * come from here; add a key here and nowhere else.
 */
#include <string.h>

#include "conf.h"
#include "policy.h"
#include "value.h"

static const char *const log_choices[] = {"quiet", "info", "debug", 0};
static const char *const cad_choices[] = {"reboot", "poweroff", "ignore", 0};
static const char *const restart_choices[] = {"no", "on-failure", "always", 0};
static const char *const tlog_choices[] = {"console", "null", 0};
static const char *const net_choices[] = {"none", "lo", "bridge", 0};
static const char *const seccomp_choices[] = {"default", "off", 0};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Copies the n-byte field at s into a bounded buffer; returns -1 if it does not fit. */
static int field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

const char *check_tenant_name(const char *sub, const char *s)
{
	(void)sub;
	size_t n = strlen(s);
	if (n == 0 || n > TENANT_NAME - 1 || s[0] == '-')
		return "bad tenant name";
	for (size_t i = 0; i < n; i++)
		if (!(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return "bad tenant name";
	return 0;
}

static const char *check_hostname(const char *sub, const char *s)
{
	(void)sub;
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return "bad hostname";
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
		      c == '.'))
			return "bad hostname";
	}
	return 0;
}

static const char *check_user(const char *sub, const char *s)
{
	(void)sub;
	uint64_t u, g;
	return parse_id_pair(s, &u, &g, 0) < 0 ? "bad UID[:GID]" : 0;
}

static const char *check_uidmap(const char *sub, const char *s)
{
	(void)sub;
	uint64_t host, count;
	if (!strcmp(s, "auto"))
		return 0;
	if (parse_id_pair(s, &host, &count, 1) < 0 || count == 0 || host + count > 0xffffffffULL)
		return "bad HOSTID:COUNT";
	if (host == 0)
		return "mapping includes host uid 0";
	return 0;
}

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], s, n))
			return i;
	return -1;
}

static const char *check_ns(const char *sub, const char *s)
{
	(void)sub;
	return ns_mask(s) ? 0 : "bad namespace list";
}

/* Capability names, in the kernel's numbering (linux/capability.h). */
const char *const cap_names[] = {"chown",
				 "dac_override",
				 "dac_read_search",
				 "fowner",
				 "fsetid",
				 "kill",
				 "setgid",
				 "setuid",
				 "setpcap",
				 "linux_immutable",
				 "net_bind_service",
				 "net_broadcast",
				 "net_admin",
				 "net_raw",
				 "ipc_lock",
				 "ipc_owner",
				 "sys_module",
				 "sys_rawio",
				 "sys_chroot",
				 "sys_ptrace",
				 "sys_pacct",
				 "sys_admin",
				 "sys_boot",
				 "sys_nice",
				 "sys_resource",
				 "sys_time",
				 "sys_tty_config",
				 "mknod",
				 "lease",
				 "audit_write",
				 "audit_control",
				 "setfcap",
				 "mac_override",
				 "mac_admin",
				 "syslog",
				 "wake_alarm",
				 "block_suspend",
				 "audit_read",
				 "perfmon",
				 "bpf",
				 "checkpoint_restore",
				 0};

static const char *check_caps(const char *sub, const char *s)
{
	(void)sub;
	uint64_t mask;
	return caps_mask(s, &mask) < 0 ? "bad capability list" : 0;
}

static int is_abs_path(const char *s, size_t n)
{
	return n > 0 && s[0] == '/';
}

static const char *check_weight(const char *sub, const char *s)
{
	(void)sub;
	return s[0] == '0' && !s[1] ? "bad number" : 0; /* cpu.weight is 1..10000 */
}

static const char *check_volume(const char *sub, const char *s)
{
	(void)sub;
	const char *c1 = strchr(s, ':');
	if (!c1 || !is_abs_path(s, (size_t)(c1 - s)))
		return "bad HOSTPATH:PATH[:ro]";
	const char *c2 = strchr(c1 + 1, ':');
	size_t n = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	if (!is_abs_path(c1 + 1, n) || (c2 && strcmp(c2 + 1, "ro") && strcmp(c2 + 1, "rw")))
		return "bad HOSTPATH:PATH[:ro]";
	return 0;
}

static const char *check_mount(const char *sub, const char *s)
{
	(void)sub;
	const char *c1 = strchr(s, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : 0;
	if (!c1 || c1 == s || !c2 || !is_abs_path(c1 + 1, (size_t)(c2 - c1 - 1)) || !c2[1] ||
	    c2[1] == ':')
		return "bad SRC:DST:FSTYPE[:OPTIONS]";
	return 0;
}

static const char *check_cidr(const char *sub, const char *s)
{
	(void)sub;
	uint64_t v;
	char buf[4];
	for (int i = 0; i < 4; i++) {
		size_t n = 0;
		while (is_digit(s[n]))
			n++;
		if (field(buf, sizeof buf, s, n) < 0 || parse_u64(buf, 255, &v) < 0)
			return "bad ADDR/PREFIX";
		s += n;
		if (*s++ != (i < 3 ? '.' : '/'))
			return "bad ADDR/PREFIX";
	}
	return parse_u64(s, 32, &v) < 0 ? "bad ADDR/PREFIX" : 0;
}

static const char *check_env(const char *sub, const char *s)
{
	(void)s;
	if (!*sub || is_digit(*sub))
		return "bad variable name";
	for (const char *p = sub; *p; p++)
		if (!(is_digit(*p) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      *p == '_'))
			return "bad variable name";
	return 0;
}

const char *const rlimit_names[] = {
    "cpu", "fsize", "data",	  "stack",    "core", "rss",	"nproc",  "nofile", "memlock",
    "as",  "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime", 0};

static const char *check_rlimit(const char *sub, const char *s)
{
	uint64_t v;
	char buf[24];
	if (in_list(rlimit_names, sub, strlen(sub)) < 0)
		return "unknown resource limit";
	if (!*s)
		return "bad SOFT[:HARD]";
	/* SOFT[:HARD], each a number or "unlimited". */
	for (int i = 0; i < 2 && *s; i++) {
		const char *colon = strchr(s, ':');
		size_t n = colon ? (size_t)(colon - s) : strlen(s);
		if (field(buf, sizeof buf, s, n) < 0 ||
		    (strcmp(buf, "unlimited") && strcmp(buf, "infinity") &&
		     parse_u64(buf, UINT64_MAX - 1, &v) < 0))
			return "bad SOFT[:HARD]";
		s += n + (colon ? 1 : 0);
		if (colon && !*s)
			return "bad SOFT[:HARD]";
	}
	return *s ? "bad SOFT[:HARD]" : 0;
}

const struct key global_keys[G_COUNT] = {
    [G_CONF] = {"conf", K_PATH, 1, "/etc/innit.conf", 0, 0, 0, "config file path"},
    [G_HOSTNAME] = {"hostname", K_STR, 0, "innit", 0, 0, check_hostname, "host UTS name"},
    [G_LOG] = {"log", K_ENUM, 0, "info", log_choices, 0, 0, "quiet, info or debug"},
    [G_SHELL] = {"shell", K_ARGV, 0, 0, 0, 0, 0, "operator command on /dev/console"},
    [G_EXIT] = {"exit", K_STR, 0, 0, 0, 0, check_tenant_name,
		"shut down when this tenant ends for good"},
    [G_EXIT_PORT] = {"exit-port", K_UINT, 0, 0, 0, 0xffff, 0, "isa-debug-exit I/O port"},
    [G_CAD] = {"cad", K_ENUM, 0, "reboot", cad_choices, 0, 0, "reboot, poweroff or ignore"},
    [G_STOP_TIMEOUT] = {"stop-timeout", K_DUR, 0, "10s", 0, 0, 0, "grace before SIGKILL"},
    [G_MOUNT] = {"mount", K_LIST, 0, 0, 0, 0, check_mount, "SRC:DST:FSTYPE[:OPTIONS]"},
    [G_BRIDGE] = {"bridge", K_STR, 0, 0, 0, 0, check_cidr, "ADDR/PREFIX of bridge innit0"},
    [G_BRIDGE_ISOLATED] = {"bridge-isolated", K_BOOL, 0, "yes", 0, 0, 0,
			   "tenants on the bridge cannot reach each other"},
};

const struct key tenant_keys[T_COUNT] = {
    [T_ROOT] = {"root", K_PATH, 0, 0, 0, 0, 0, "tenant root directory (required)"},
    [T_OVERLAY] = {"overlay", K_BOOL, 0, "no", 0, 0, 0, "private tmpfs upper layer"},
    [T_READONLY] = {"readonly", K_BOOL, 0, "no", 0, 0, 0, "mount the root read-only"},
    [T_EXEC] = {"exec", K_ARGV, 0, "/sbin/init", 0, 0, 0, "command line"},
    [T_ENV] = {"env", K_MAP, 0, 0, 0, 0, check_env, "environment variable"},
    [T_WORKDIR] = {"workdir", K_PATH, 0, "/", 0, 0, 0, "working directory"},
    [T_USER] = {"user", K_STR, 0, "0:0", 0, 0, check_user, "UID[:GID] inside the tenant"},
    [T_UIDMAP] = {"uidmap", K_STR, 0, "auto", 0, 0, check_uidmap, "auto or HOSTID:COUNT"},
    [T_NS] = {"ns", K_STR, 0, "all", 0, 0, check_ns, "namespaces to create"},
    [T_HOSTNAME] = {"hostname", K_STR, 0, 0, 0, 0, check_hostname, "tenant UTS name"},
    [T_TMP_SIZE] = {"tmp-size", K_SIZE, 0, "64M", 0, 0, 0, "size of /tmp"},
    [T_VOLUME] = {"volume", K_LIST, 0, 0, 0, 0, check_volume, "HOSTPATH:PATH[:ro]"},
    [T_RESTART] = {"restart", K_ENUM, 0, "on-failure", restart_choices, 0, 0,
		   "no, on-failure or always"},
    [T_STOP_TIMEOUT] = {"stop-timeout", K_DUR, 0, 0, 0, 0, 0, "grace before SIGKILL"},
    [T_MEMORY] = {"memory", K_SIZE, 0, 0, 0, 0, 0, "memory.max"},
    [T_PIDS] = {"pids", K_UINT, 0, 0, 0, 4194304, 0, "pids.max"},
    [T_CPU] = {"cpu", K_PERCENT, 0, 0, 0, 0, 0, "cpu.max as a share of one CPU"},
    [T_CPU_WEIGHT] = {"cpu-weight", K_UINT, 0, "100", 0, 10000, check_weight, "cpu.weight"},
    [T_RLIMIT] = {"rlimit", K_MAP, 0, 0, 0, 0, check_rlimit, "resource limit SOFT[:HARD]"},
    [T_CAPS] = {"caps", K_STR, 0, "default", 0, 0, check_caps, "capability bounding set"},
    [T_SECCOMP] = {"seccomp", K_ENUM, 0, "default", seccomp_choices, 0, 0, "default or off"},
    [T_NET] = {"net", K_ENUM, 0, "lo", net_choices, 0, 0, "none, lo or bridge"},
    [T_IP] = {"ip", K_STR, 0, 0, 0, 0, check_cidr, "ADDR/PREFIX of eth0"},
    [T_LOG] = {"log", K_ENUM, 0, "console", tlog_choices, 0, 0, "console or null"},
    [T_AFTER] = {"after", K_STR, 0, 0, 0, 0, check_tenant_name, "start after this tenant"},
};
