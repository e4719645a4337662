/*
 * loop.c - PID 1's one wait point: epoll over a signalfd, one timerfd, the tenants' pipes
 * and the pidfds of PID 1's own children. Nothing else in PID 1 waits. Idle means blocked in
 * epoll_wait with no timer armed: zero wake-ups.
 *
 * Reaping costs PID 1 nothing: SIGCHLD is ignored, so the kernel frees every orphan that
 * exits (the work is done in the exiting task, and no zombie ever exists). PID 1's own
 * children (tenants' reapers, the shell) are made with exit_signal 0, which the kernel does
 * not free on its own; each comes with a pidfd that becomes readable when it exits, and
 * waitid(P_PIDFD) collects its status. Signals PID 1 acts on are blocked and read from the
 * signalfd, so no handler ever runs asynchronously.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "innit.h"
#include "log.h"

static sigset_t handled;

void loop_watch(int fd, uint32_t kind, uint32_t index)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((uint64_t)kind << 32) | index};
	if (epoll_ctl(S.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		err("epoll_ctl: %s", strerror(errno)); /* the tenant still runs, unwatched */
}

int loop_init(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGPWR, SIGHUP};
	struct sigaction ign = {.sa_handler = SIG_IGN};

	/* Orphans are freed by the kernel as they exit (see the top of this file). */
	if (sigaction(SIGCHLD, &ign, 0) < 0)
		return -1;

	sigemptyset(&handled);
	for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&handled, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &handled, 0) < 0)
		return -1;
	S.sigfd = signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
	S.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	S.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (S.sigfd < 0 || S.timerfd < 0 || S.epfd < 0)
		return -1;
	loop_watch(S.sigfd, EV_SIGNAL, 0);
	loop_watch(S.timerfd, EV_TIMER, 0);
	/* OOM reports only: without inotify they come when the tenant exits. */
	S.inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (S.inofd >= 0)
		loop_watch(S.inofd, EV_INOTIFY, 0);
	return 0;
}

/* Arms the timerfd for the earliest deadline (a restart or a shutdown kill), or disarms it. */
void loop_rearm_timer(void)
{
	uint64_t next = 0;

	for (int i = 0; i <= S.ntenants; i++) {
		struct tenant *t = &S.tenants[i];
		uint64_t d = 0;
		if (t->state == TS_BACKOFF && !S.action)
			d = t->restart_at_ms;
		else if (t->state == TS_RUNNING && S.action && t->kill_at_ms)
			d = t->kill_at_ms;
		if (d && (!next || d < next))
			next = d;
	}
	if (next == S.timer_armed_ms)
		return;
	struct itimerspec its = {0};
	if (next) {
		/* Absolute time; 0 would disarm, so a deadline in the past becomes "now". */
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000 + 1;
	}
	if (timerfd_settime(S.timerfd, TFD_TIMER_ABSTIME, &its, 0) < 0)
		err("timerfd_settime: %s", strerror(errno));
	else
		S.timer_armed_ms = next;
}

static void on_signal(void)
{
	struct signalfd_siginfo si[8];
	ssize_t n;

	/* A short read means the queue is empty: one read per wake-up in the usual case
	 * (a coalesced SIGCHLD), not a second one just to learn EAGAIN. */
	for (n = (ssize_t)sizeof si; n == (ssize_t)sizeof si;) {
		n = read(S.sigfd, si, sizeof si);
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n / sizeof *si; i++) {
			switch (si[i].ssi_signo) {
			case SIGUSR1:
				shutdown_request(ACT_HALT, "SIGUSR1");
				break;
			case SIGUSR2:
			case SIGPWR:
				shutdown_request(ACT_POWEROFF,
						 si[i].ssi_signo == SIGPWR ? "SIGPWR" : "SIGUSR2");
				break;
			case SIGTERM:
				shutdown_request(ACT_REBOOT, "SIGTERM");
				break;
			case SIGINT: /* Ctrl-Alt-Del, once the kernel's own reboot is disabled */
				if (S.conf.g[G_CAD].n == CAD_REBOOT)
					shutdown_request(ACT_REBOOT, "Ctrl-Alt-Del");
				else if (S.conf.g[G_CAD].n == CAD_POWEROFF)
					shutdown_request(ACT_POWEROFF, "Ctrl-Alt-Del");
				else
					info("Ctrl-Alt-Del ignored (cad=ignore)");
				break;
			default: /* SIGHUP: reserved for a future config reload */
				break;
			}
		}
	}
}

static void on_timer(void)
{
	uint64_t ticks;
	/* Reading resets the expiry count; EAGAIN just means a spurious wake-up. */
	(void)!read(S.timerfd, &ticks, sizeof ticks);
	S.timer_armed_ms = 0;
	if (S.action)
		shutdown_progress();
	else
		tenants_start_ready();
	loop_rearm_timer();
}

/*
 * One of PID 1's own children has exited (its pidfd is readable): collect its status, which
 * also frees it. A child that has exec'd (the operator shell) got SIGCHLD back as its exit
 * signal from execve, so the kernel may have freed it already: ECHILD then, and no status,
 * which for the shell is never needed. Either way it is gone, and its pidfd is closed.
 */
static void on_exit_of(struct tenant *t)
{
	siginfo_t si = {0};
	int st = 0;
	if (t->pidfd < 0)
		return;
	if (waitid(P_PIDFD, (id_t)t->pidfd, &si, WEXITED | WNOHANG | __WALL) == 0) {
		if (si.si_pid == 0)
			return; /* a spurious wake-up: not yet */
		st = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
	} else if (errno != ECHILD) {
		err("%s: waitid: %s", t->name, strerror(errno));
	}
	tenant_reaped(t, st);
}

static void on_inotify(void)
{
	union {
		struct inotify_event ev;
		char buf[1024];
	} u;
	ssize_t n;

	while ((n = read(S.inofd, &u, sizeof u)) > 0) {
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const void *)(u.buf + off);
			struct tenant *t = cgroup_tenant_by_wd(e->wd);
			if (t)
				cgroup_check_oom(t);
			off += (ssize_t)(sizeof *e + e->len);
		}
	}
}

void loop_run(void)
{
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(S.epfd, ev, 16, -1);
		if (n < 0) {
			if (errno != EINTR)
				err("epoll_wait: %s", strerror(errno));
			continue;
		}
		for (int i = 0; i < n; i++) {
			uint32_t kind = (uint32_t)(ev[i].data.u64 >> 32);
			struct tenant *t = &S.tenants[(uint32_t)ev[i].data.u64];
			switch (kind) {
			case EV_SIGNAL:
				on_signal();
				break;
			case EV_TIMER:
				on_timer();
				break;
			case EV_REPORT:
				/* The fd may have been closed by an earlier event in this batch. */
				if (t->report_fd >= 0)
					tenant_read_report(t);
				break;
			case EV_EXIT:
				on_exit_of(t);
				break;
			case EV_INOTIFY:
				on_inotify();
				break;
			case EV_LOG:
				if (t->log_fd >= 0)
					tenant_read_log(t);
				break;
			}
		}
	}
}
