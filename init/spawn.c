/*
 * spawn.c - starting a tenant or the operator shell (PID 1 world: errors are logged and
 * returned, never fatal; nothing here waits on the child).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "innit.h"
#include "log.h"
#include "policy.h"

#define AUTO_MAP_COUNT 65536U

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			(void)close(p[i]);
}

pid_t spawn_tenant(struct tenant *t, int index)
{
	const struct tenant_conf *c = t->conf;
	int rp[2] = {-1, -1}, lp[2] = {-1, -1};

	if (cgroup_prepare(t) < 0)
		return -1;
	if (pipe2(rp, O_CLOEXEC) < 0 ||
	    (c->v[T_LOG].n == TLOG_CONSOLE && pipe2(lp, O_CLOEXEC) < 0)) {
		err("%s: pipe: %s", t->name, strerror(errno));
		goto fail;
	}
	/* The reaper is born in its cgroup (CLONE_INTO_CGROUP: no instant of the tenant runs
	 * outside its limits) and in every namespace but user and time, which the main
	 * process creates (child.c says why). Without a new stack, clone3 behaves like fork. */
	unsigned ns = ns_mask(c->v[T_NS].s);
	struct clone_args ca = {
	    .flags = CLONE_NEWNS | (ns & NS_PID ? CLONE_NEWPID : 0) |
		     (ns & NS_UTS ? CLONE_NEWUTS : 0) | (ns & NS_IPC ? CLONE_NEWIPC : 0) |
		     (ns & NS_NET ? CLONE_NEWNET : 0) | (ns & NS_CGROUP ? CLONE_NEWCGROUP : 0),
	    .pidfd = (uint64_t)(uintptr_t)&t->pidfd,
	    .exit_signal = 0, /* not freed by the kernel: we collect it through its pidfd */
	};
	ca.flags |= CLONE_PIDFD;
	if (t->cg_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)t->cg_fd;
	}
	long pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0) {
		err("%s: clone3: %s", t->name, strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_main(c, index, rp[1], lp[1]);

	(void)close(rp[1]);
	if (lp[1] >= 0)
		(void)close(lp[1]);
	/* PID 1 never blocks on a tenant: its pipes are non-blocking. */
	(void)fcntl(rp[0], F_SETFL, O_NONBLOCK);
	if (lp[0] >= 0)
		(void)fcntl(lp[0], F_SETFL, O_NONBLOCK);
	t->report_fd = rp[0];
	t->log_fd = lp[0];
	return (pid_t)pid;
fail:
	close_pair(rp);
	close_pair(lp);
	return -1;
}

/*
 * The operator shell runs in the host namespaces with /dev/console as its controlling
 * terminal (in test mode: with innit's own stdio, and no terminal of its own).
 */
pid_t spawn_shell(struct tenant *t)
{
	struct clone_args ca = {.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&t->pidfd};
	long pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0) {
		err("shell: clone3: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		t->report_fd = t->log_fd = -1;
		return (pid_t)pid;
	}
	/* Child world from here. PID 1 ignores SIGCHLD; the shell's own children must not be
	 * freed behind its back. */
	(void)signal(SIGCHLD, SIG_DFL);
	sigset_t none;
	(void)setsid(); /* a fresh child is never a group leader: cannot fail */
	if (!S.test_mode) {
		int fd = open("/dev/console", O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 1) < 0)
			_exit(127);
		for (int i = 0; i < 3; i++)
			if (dup2(fd, i) < 0)
				_exit(127);
		if (fd > 2)
			(void)close(fd);
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, 0);
	static char *envp[] = {"PATH=" DEFAULT_PATH, "HOME=/root", "TERM=linux", 0};
	extern char **environ;
	environ = envp;
	char *const *argv = S.conf.g[G_SHELL].argv;
	execvp(argv[0], argv);
	_exit(127);
}
