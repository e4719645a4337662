/*
 * child.c - the tenant's first process, from clone() to becoming its reaper (child world:
 * fails fast, never PID 1 of the machine).
 *
 * It takes exactly the descriptors it needs, waits for PID 1 to write its id maps, becomes
 * root of its (outer) user namespace, builds the tenant's root (child_root.c), forks the
 * main process (child_exec.c), maps the main process's inner user namespace, forgets the
 * configuration, and turns into the tenant's reaper (reaper.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "innit.h"
#include "net.h"
#include "policy.h"

static int report_fd = CHILD_REPORT_FD;

void child_report(const char *line)
{
	/* A short or failed write leaves PID 1 with the exit status alone: nothing better. */
	(void)!write(report_fd, line, strlen(line));
}

void child_fail(const char *step, const char *path)
{
	char line[256];
	int e = errno;
	fmt(line, sizeof line, "E %s %s: %s\n", step, path, strerror(e));
	child_report(line);
	_exit(127);
}

/* Puts fd in exactly slot `to`, going through a high slot so no other fd is clobbered. */
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

static void write_map(pid_t pid, const char *which, uint64_t count)
{
	char path[40], map[40];
	fmt(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	fmt(map, sizeof map, "0 0 %llu\n", (unsigned long long)count);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		child_fail("write", path);
	(void)close(fd);
}

/* Drops PID 1's memory of every tenant's configuration (ours included: the main process
 * has its own copy). The reaper needs none of it, and must expose none of it. */
static void forget_config(void)
{
	explicit_bzero(&S.conf, sizeof S.conf);
	explicit_bzero(S.tenants, sizeof S.tenants);
}

void child_main(const struct tenant_conf *t, int slot, int report_w, int log_w, int sync_r)
{
	char c;
	unsigned ns = ns_mask(t->v[T_NS].s);
	uint64_t host, count;

	take_fds(report_w, log_w, sync_r);
	/* The tenant sees us as its PID 1: our command line is none of its business. */
	memset(S.args, 0, S.args_len);
	memcpy(S.args, "innit", S.args_len < 5 ? S.args_len : 5);
	/* Not dumpable: our /proc files belong to the host's root, not to the tenant's. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		child_fail("prctl", "dumpable");
	/* PID 1 writes our uid/gid maps, then one byte; EOF means it gave up on us. */
	if (read(CHILD_SYNC_FD, &c, 1) != 1)
		_exit(127);
	(void)close(CHILD_SYNC_FD);
	if (ns & NS_USER &&
	    (setgroups(0, 0) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		child_fail("become root of user namespace", "");
	const char *hostname = t->v[T_HOSTNAME].s ? t->v[T_HOSTNAME].s : t->name;
	if (ns & NS_UTS && sethostname(hostname, strlen(hostname)) < 0)
		child_fail("sethostname", hostname);
	if (ns & NS_NET && t->v[T_NET].n != NET_NONE && net_link_up(LOOPBACK_IFINDEX) < 0)
		child_fail("bring up", "lo");
	/* Without our own PID namespace we are not the tenant's init: adopt orphans anyway. */
	if (!(ns & NS_PID) && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		child_fail("prctl", "child subreaper");
	child_build_root(t, ns);

	int ready[2], go[2], ep[2];
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0)
		child_fail("pipe", "");
	pid_t pid = fork();
	if (pid < 0)
		child_fail("fork", "");
	if (pid == 0) {
		report_fd = ep[1];
		(void)close(ready[0]);
		(void)close(go[1]);
		child_exec(t, ns, ready[1], go[0]);
	}
	(void)close(ready[1]);
	(void)close(go[0]);
	(void)close(ep[1]);
	/* The main process has unshared its user namespace: map it 1:1 onto ours. */
	id_range(t->v[T_UIDMAP].s, slot, &host, &count);
	if (read(ready[0], &c, 1) == 1) {
		if (ns & NS_USER) {
			write_map(pid, "uid_map", count);
			write_map(pid, "gid_map", count);
		}
		(void)!write(go[1], "1", 1); /* EPIPE: it died; its report says why */
	}
	(void)close(ready[0]);
	(void)close(go[1]);
	forget_config();

	/* Its failure report, if any, arrives before EOF (the pipe is CLOEXEC: EOF = exec'd). */
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
