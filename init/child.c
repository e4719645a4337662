/*
 * child.c - the tenant's first process, from clone() to becoming its reaper (child world:
 * fails fast, never PID 1 of the machine).
 *
 * It is host root in the tenant's new mount, PID, UTS, IPC, network and cgroup namespaces,
 * and does what needs that: names the host, brings up loopback, builds the tenant's root
 * (child_root.c) and removes every host mount from its mount namespace. Then it forks the
 * main process, which enters a user namespace of its own (child_exec.c), and writes that
 * namespace's id map: tenant root becomes the tenant's private host uid range. Finally it
 * keeps only CAP_KILL, forgets the configuration, and becomes the tenant's reaper.
 *
 * The reaper stays outside the tenant's user namespace and is non-dumpable: the tenant
 * cannot ptrace it, read its memory or open its /proc/1/exe. It shares the tenant root's
 * host uid, so the tenant can signal it: as its PID namespace's init it ignores SIGKILL and
 * SIGSTOP from inside, and forwards the rest to the main process, which hurts no one else.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
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
	char line[REPORT_BUF];
	int e = errno;
	/* Cut to fit PID 1's report buffer, newline included (a longer line is dropped). */
	size_t n = fmt(line, sizeof line - 1, "E %s %s: %s", step, path, strerror(e));
	line[n] = '\n';
	line[n + 1] = '\0';
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

static void take_fds(int report_w, int log_w)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		_exit(127);
	place(report_w, CHILD_REPORT_FD);
	int out = log_w >= 0 ? log_w : null;
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	/* Every other descriptor PID 1 had (epoll, signalfd, other tenants' pipes) goes. */
	if (syscall(SYS_close_range, CHILD_REPORT_FD + 1, ~0U, 0) < 0)
		for (int fd = CHILD_REPORT_FD + 1; fd < 1024; fd++)
			(void)close(fd);
}

static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		child_fail("write", path);
	(void)close(fd);
}

static void write_map(pid_t pid, const char *which, uint64_t host, uint64_t count)
{
	char path[40], map[48];
	fmt(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	fmt(map, sizeof map, "0 %llu %llu\n", (unsigned long long)host, (unsigned long long)count);
	write_file(path, map);
}

/* The tenant's network is configured from outside (its network namespace is not its own
 * user namespace's): loopback up, and what its root would otherwise lack for want of
 * CAP_NET_BIND_SERVICE/CAP_NET_RAW there: low ports and ping. */
static void setup_net(const struct tenant_conf *t)
{
	if (t->v[T_NET].n != NET_NONE && net_link_up(LOOPBACK_IFINDEX) < 0)
		child_fail("bring up", "lo");
	write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0");
	write_file("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");
}

/* From here on the reaper needs one privilege, signalling the tenant's processes, and no
 * host uid 0: it becomes the tenant root's host uid, keeping CAP_KILL alone. */
static void drop_to_tenant_uid(uid_t uid)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups(0, 0) < 0 ||
	    setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		child_fail("setuid", "reaper");
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};
	d[0].effective = d[0].permitted = 1u << CAP_KILL;
	if (syscall(SYS_capset, &h, d) < 0)
		child_fail("capset", "reaper");
	/* A uid change resets this; the tenant must still not read us through /proc. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		child_fail("prctl", "dumpable");
}

/*
 * Forgets n bytes at p without copying them first: whole pages are dropped with
 * MADV_DONTNEED (private anonymous memory then reads as zeros, and a page this process
 * shared with PID 1 is never duplicated just to be cleared); only the partial pages at the
 * edges are written. Where madvise is missing, everything is cleared by hand.
 */
static void forget(void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, end = a + n;
	uintptr_t first = (a + 4095) & ~(uintptr_t)4095, last = end & ~(uintptr_t)4095;
	if (first >= last || madvise((void *)first, last - first, MADV_DONTNEED) < 0) {
		explicit_bzero(p, n);
		return;
	}
	explicit_bzero(p, first - a);
	explicit_bzero((void *)last, end - last);
}

/* Drops PID 1's memory of every tenant's configuration (ours included: the main process
 * has its own copy). The reaper needs none of it, and must expose none of it. */
static void forget_config(void)
{
	/* Just the parts in use: clearing all of it would copy every page into this process. */
	forget(S.conf.t, sizeof *S.conf.t * (size_t)S.conf.ntenants);
	forget(S.conf.arena, S.conf.used);
	explicit_bzero(S.conf.g, sizeof S.conf.g);
	explicit_bzero(S.conf.lasterr, sizeof S.conf.lasterr); /* may quote a value */
	tenants_forget_output(); /* before the tenants' table it reads */
	forget(S.tenants, sizeof *S.tenants * (size_t)(S.ntenants + 1));
}

void child_main(const struct tenant_conf *t, int slot, int report_w, int log_w)
{
	char c;
	unsigned ns = ns_mask(t->v[T_NS].s);
	uint64_t host, count;

	take_fds(report_w, log_w);
	/* PID 1 ignores SIGCHLD (the kernel frees its orphans); we wait for ours, so it is
	 * ours again, and blocked until reaper_run waits for it: an exit before then must stay
	 * pending, not be discarded by the default action. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR || sigprocmask(SIG_BLOCK, &chld, 0) < 0)
		child_fail("signals", "SIGCHLD");
	/* The tenant sees us as its PID 1: our command line is none of its business. */
	if (S.args) {
		memset(S.args, 0, S.args_len);
		memcpy(S.args, "innit", S.args_len < 5 ? S.args_len : 5);
	}
	/* Not dumpable: our /proc files belong to the host's root, not to the tenant's. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		child_fail("prctl", "dumpable");
	const char *hostname = t->v[T_HOSTNAME].s ? t->v[T_HOSTNAME].s : t->name;
	if (ns & NS_UTS && sethostname(hostname, strlen(hostname)) < 0)
		child_fail("sethostname", hostname);
	if (ns & NS_NET)
		setup_net(t);
	/* Without our own PID namespace we are not the tenant's init: adopt orphans anyway. */
	if (!(ns & NS_PID) && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		child_fail("prctl", "child subreaper");
	id_range(t->v[T_UIDMAP].s, slot, &host, &count);
	child_build_root(t, ns, (uid_t)host);
	/* Our stdin was the host's /dev/null; the tenant's own is here now. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0)
		child_fail("open", "/dev/null");
	(void)close(null);

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
	/* The main process has unshared its user namespace: map its root onto the tenant's
	 * host range. (Only a process outside a user namespace may map a whole range.) */
	if (read(ready[0], &c, 1) == 1) {
		if (ns & NS_USER) {
			write_map(pid, "uid_map", host, count);
			write_map(pid, "gid_map", host, count);
		}
		(void)!write(go[1], "1", 1); /* EPIPE: it died; its report says why */
	}
	(void)close(ready[0]);
	(void)close(go[1]);
	drop_to_tenant_uid((uid_t)host);
	forget_config();

	/* Its failure report, if any, arrives before EOF (the pipe is CLOEXEC: EOF = exec'd). */
	char line[REPORT_BUF];
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
	/* Setting up the tenant went deep; the reaper needs a few hundred bytes of stack. */
	forget_dead_stack();
	reaper_run(pid, CHILD_REPORT_FD);
}
