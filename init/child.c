/*
 * child.c - the tenant child from clone() to exec() (child world: fails fast, never PID 1).
 *
 * The cloned process becomes the tenant's PID 1. It takes exactly the descriptors it needs,
 * waits for PID 1 to write its id maps, becomes root of its user namespace, builds its root
 * (child_root.c), then forks the tenant's main process and turns into its reaper.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "innit.h"
#include "value.h"

static int report_fd = CHILD_REPORT_FD;

void child_report(const char *line)
{
	size_t n = strlen(line);
	/* A short or failed write leaves PID 1 with the exit status alone: nothing better to do. */
	(void)!write(report_fd, line, n);
}

void child_fail(const char *step, const char *path)
{
	char line[256];
	int e = errno;
	fmt(line, sizeof line, "E %s %s: %s\n", step, path, strerror(e));
	child_report(line);
	_exit(127);
}

/* Puts fd in exactly slot `to`, without disturbing slots below 3 + the ones already placed. */
static void place(int fd, int to)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 16);
	if (high < 0 || dup3(high, to, O_CLOEXEC) < 0)
		_exit(127); /* cannot even report: PID 1 sees status 127 */
	(void)close(high);
}

static void take_fds(int report_w, int log_w, int sync_r)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		_exit(127);
	place(report_w, CHILD_REPORT_FD);
	place(sync_r, CHILD_SYNC_FD);
	int out = log_w >= 0 ? log_w : null;
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	/* Every other descriptor PID 1 had (epoll, signalfd, other tenants' pipes) goes. */
	if (syscall(SYS_close_range, CHILD_SYNC_FD + 1, ~0U, 0) < 0)
		for (int fd = CHILD_SYNC_FD + 1; fd < 1024; fd++)
			(void)close(fd);
}

/* "UID[:GID]" (already validated by the config parser). */
static void parse_user(const char *s, uid_t *uid, gid_t *gid)
{
	char buf[24];
	uint64_t u = 0, g = 0;
	size_t n = strcspn(s, ":");
	fmt(buf, sizeof buf, "%.*s", (int)n, s);
	(void)parse_u64(buf, 0xfffffffeU, &u);
	if (s[n] == ':')
		(void)parse_u64(s + n + 1, 0xfffffffeU, &g);
	*uid = (uid_t)u;
	*gid = (gid_t)g;
}

#define MAX_ENV 64

/* The tenant's whole environment: PATH, HOME, TERM, HOSTNAME, then env.* (which may
 * replace any of the four). Nothing of PID 1's environment leaks in. */
static char **build_env(const struct tenant_conf *t, const char *hostname, uid_t uid)
{
	static char fixed[4][300];
	static char *envp[MAX_ENV + 5];
	int n = 0;

	fmt(fixed[0], sizeof fixed[0],
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	fmt(fixed[1], sizeof fixed[1], "HOME=%s", uid == 0 ? "/root" : "/");
	fmt(fixed[2], sizeof fixed[2], "TERM=linux");
	fmt(fixed[3], sizeof fixed[3], "HOSTNAME=%s", hostname);
	for (int i = 0; i < 4; i++) {
		size_t klen = strcspn(fixed[i], "=");
		char key[16];
		fmt(key, sizeof key, "%.*s", (int)klen, fixed[i]);
		if (!conf_map(t->v[T_ENV].list, key))
			envp[n++] = fixed[i];
	}
	static char vars[8192];
	size_t used = 0;
	for (const struct item *it = t->v[T_ENV].list; it && n < MAX_ENV + 4; it = it->next) {
		size_t len = fmt(vars + used, sizeof vars - used, "%s=%s", it->sub, it->val);
		if (used + len + 1 >= sizeof vars)
			break;
		envp[n++] = vars + used;
		used += len + 1;
	}
	envp[n] = 0;
	return envp;
}

extern char **environ;

/* The tenant's main process: its own session, its user, its workdir, its environment. */
static void run_main(const struct tenant_conf *t, const char *hostname)
{
	uid_t uid;
	gid_t gid;
	sigset_t none;

	if (setsid() < 0)
		child_fail("setsid", "");
	parse_user(t->v[T_USER].s, &uid, &gid);
	if (setgroups(0, 0) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		child_fail("setuid", t->v[T_USER].s);
	if (chdir(t->v[T_WORKDIR].s) < 0)
		child_fail("chdir", t->v[T_WORKDIR].s);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, 0) < 0)
		child_fail("sigprocmask", "");
	environ = build_env(t, hostname, uid);
	char *const *argv = t->v[T_EXEC].argv;
	execvp(argv[0], argv);
	child_fail("exec", argv[0]);
}

void child_main(const struct tenant_conf *t, int report_w, int log_w, int sync_r)
{
	char c;
	const char *hostname = t->v[T_HOSTNAME].s ? t->v[T_HOSTNAME].s : t->name;

	take_fds(report_w, log_w, sync_r);
	/* The tenant sees us as its PID 1: our command line (test mode: the whole config on
	 * it) is none of its business. */
	memset(S.args, 0, S.args_len);
	memcpy(S.args, "innit", S.args_len < 5 ? S.args_len : 5);
	/* PID 1 writes our uid/gid maps, then one byte; EOF means it gave up on us. */
	if (read(CHILD_SYNC_FD, &c, 1) != 1)
		_exit(127);
	(void)close(CHILD_SYNC_FD);
	if (setgroups(0, 0) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		child_fail("become root of user namespace", "");
	if (sethostname(hostname, strlen(hostname)) < 0)
		child_fail("sethostname", hostname);
	child_build_root(t);

	/* The main process reports a failed exec through its own CLOEXEC pipe: EOF = exec'd. */
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0)
		child_fail("pipe", "");
	pid_t pid = fork();
	if (pid < 0)
		child_fail("fork", "");
	if (pid == 0) {
		report_fd = ep[1];
		run_main(t, hostname);
	}
	(void)close(ep[1]);
	char line[256];
	ssize_t n;
	do
		n = read(ep[0], line, sizeof line - 1);
	while (n < 0 && errno == EINTR);
	(void)close(ep[0]);
	if (n > 0) {
		line[n] = '\0';
		child_report(line);
	} else {
		child_report("S\n");
	}
	reaper_run(pid, CHILD_REPORT_FD);
}
