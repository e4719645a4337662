/*
 * child_exec.c - the tenant's main process, from fork() in the reaper to exec() (child world:
 * fails fast through child_fail, which its reaper forwards to PID 1).
 *
 * It enters a user namespace of its own (its root mapped by the reaper onto the tenant's
 * host range) together with a new mount namespace: the kernel copies the finished mount tree
 * into it and marks every mount locked, so even a tenant root with CAP_SYS_ADMIN cannot
 * unmount or remount-rw the covers over /proc, /sys or its root. Its uts, ipc, net and cgroup
 * namespaces were created with the reaper and belong to the host's user namespace: the
 * tenant uses them but cannot reconfigure them (its hostname and loopback are set before it
 * starts).
 *
 * Then, in order: ids, keyring, rlimits, capabilities, user, workdir,
 * no_new_privs, seccomp, environment, exec. The order matters: each step needs the
 * privileges the later ones take away.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "policy.h"
#include "value.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

static int parse_limit(const char *s, size_t n, rlim_t *out)
{
	char buf[24];
	uint64_t v;
	fmt(buf, sizeof buf, "%.*s", (int)n, s);
	if (!strcmp(buf, "unlimited") || !strcmp(buf, "infinity")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (parse_u64(buf, UINT64_MAX - 1, &v) < 0)
		return -1;
	*out = (rlim_t)v;
	return 0;
}

extern const char *const rlimit_names[]; /* conf_keys.c: in the kernel's RLIMIT_* order */

static void set_rlimits(const struct tenant_conf *t)
{
	for (const struct item *it = t->v[T_RLIMIT].list; it; it = it->next) {
		int r = 0;
		while (rlimit_names[r] && strcmp(rlimit_names[r], it->sub))
			r++;
		struct rlimit rl;
		size_t n = strcspn(it->val, ":");
		if (!rlimit_names[r] || parse_limit(it->val, n, &rl.rlim_cur) < 0)
			child_fail("rlimit", it->sub);
		rl.rlim_max = rl.rlim_cur;
		if (it->val[n] == ':' &&
		    parse_limit(it->val + n + 1, strlen(it->val + n + 1), &rl.rlim_max) < 0)
			child_fail("rlimit", it->sub);
		if (setrlimit(r, &rl) < 0)
			child_fail("setrlimit", it->sub);
	}
}

/* Bounding set to mask; ambient and inheritable empty; effective/permitted within mask. */
static void limit_caps(uint64_t mask)
{
	for (int c = 0; c < 64; c++) {
		if (mask & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break; /* past the kernel's last capability */
			child_fail("drop capability", "bounding set");
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		child_fail("clear ambient capabilities", "");
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		child_fail("capget", "");
	for (int i = 0; i < 2; i++) {
		uint32_t m = (uint32_t)(mask >> (32 * i));
		d[i].effective &= m;
		d[i].permitted &= m;
		d[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &h, d) < 0)
		child_fail("capset", "");
}

#define MAX_ENV 64
extern char **environ;

/* The whole environment: PATH, HOME, TERM, HOSTNAME, then env.* (which may replace any
 * of the four). Nothing of PID 1's environment leaks in. */
static char **build_env(const struct tenant_conf *t, const char *hostname, uid_t uid)
{
	static char fixed[4][300], vars[8192];
	static char *envp[MAX_ENV + 5];
	int n = 0;
	size_t used = 0;

	fmt(fixed[0], sizeof fixed[0], "PATH=%s", DEFAULT_PATH);
	fmt(fixed[1], sizeof fixed[1], "HOME=%s", uid == 0 ? "/root" : "/");
	fmt(fixed[2], sizeof fixed[2], "TERM=linux");
	fmt(fixed[3], sizeof fixed[3], "HOSTNAME=%s", hostname);
	for (int i = 0; i < 4; i++) {
		char key[16];
		fmt(key, sizeof key, "%.*s", (int)strcspn(fixed[i], "="), fixed[i]);
		if (!conf_map(t->v[T_ENV].list, key))
			envp[n++] = fixed[i];
	}
	for (const struct item *it = t->v[T_ENV].list; it && n < MAX_ENV + 4; it = it->next) {
		size_t len = fmt(vars + used, sizeof vars - used, "%s=%s", it->sub, it->val);
		if (used + len + 1 >= sizeof vars)
			child_fail("environment", "too large");
		envp[n++] = vars + used;
		used += len + 1;
	}
	envp[n] = 0;
	return envp;
}

void child_exec(const struct tenant_conf *t, unsigned ns, int ready_w, int go_r)
{
	const char *hostname = t->v[T_HOSTNAME].s ? t->v[T_HOSTNAME].s : t->name;
	uint64_t caps = 0;
	uid_t uid;
	gid_t gid;
	char c;

	if (setsid() < 0)
		child_fail("setsid", "");
	/* The reaper made itself non-dumpable, and we inherited that: undo it, or our /proc
	 * files belong to the host's root and the reaper cannot write our id maps. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		child_fail("prctl", "dumpable");
	unsigned long flags = ns & NS_TIME ? CLONE_NEWTIME : 0;
	if (ns & NS_USER)
		flags |= CLONE_NEWUSER | CLONE_NEWNS;
	if (unshare((int)flags) < 0)
		child_fail("unshare", "namespaces");
	/* The reaper maps our new user namespace (only a process outside it may map a range). */
	if (write(ready_w, "1", 1) != 1 || read(go_r, &c, 1) != 1)
		child_fail("wait for id map", "");
	(void)close(ready_w);
	(void)close(go_r);
	if (ns & NS_USER &&
	    (setgroups(0, 0) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		child_fail("become root of user namespace", "");
	/* A session keyring of its own; ENOSYS: a kernel without keys has nothing to share. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0) < 0 && errno != ENOSYS)
		child_fail("keyctl", "join session keyring");
	set_rlimits(t);
	if (caps_mask(t->v[T_CAPS].s, &caps) < 0)
		child_fail("caps", t->v[T_CAPS].s);
	limit_caps(caps);
	uint64_t u = 0, g = 0;
	(void)parse_id_pair(t->v[T_USER].s, &u, &g, 0); /* validated by the config parser */
	uid = (uid_t)u;
	gid = (gid_t)g;
	if (setgroups(0, 0) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		child_fail("setuid", t->v[T_USER].s);
	if (chdir(t->v[T_WORKDIR].s) < 0)
		child_fail("chdir", t->v[T_WORKDIR].s);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail("prctl", "no_new_privs");
	if (t->v[T_SECCOMP].n == 0) /* "default" */
		seccomp_install();
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, 0) < 0)
		child_fail("sigprocmask", "");
	environ = build_env(t, hostname, uid);
	char *const *argv = t->v[T_EXEC].argv;
	execvp(argv[0], argv);
	child_fail("exec", argv[0]);
}
