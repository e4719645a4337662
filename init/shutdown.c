/*
 * shutdown.c - the one shutdown sequence (SPEC §5), whatever asked for it: stop restarting,
 * SIGTERM every tenant (its reaper forwards it), SIGKILL what outlives its stop-timeout,
 * then kill the rest, sync, unmount in reverse order, sync, report, reboot(2).
 *
 * Until every tenant is gone, this is driven by the event loop (never blocks). The final
 * step (finish) runs once, with nothing left to supervise, and may wait briefly.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "innit.h"
#include "log.h"
#include "mountinfo.h"

#define KILL_GRACE_MS 2000 /* after SIGKILL, how long a tenant may take to vanish */

static const char *const action_names[] = {"none", "halt", "poweroff", "reboot"};

void shutdown_request(int action, const char *why)
{
	if (S.action) {
		info("%s: shutdown already in progress", why);
		return;
	}
	S.action = (uint8_t)action;
	S.shutdown_started_ms = now_ms();
	info("%s: %s", why, action_names[action]);
	for (int i = 0; i <= S.ntenants; i++) {
		struct tenant *t = &S.tenants[i];
		if (t->state == TS_WAITING || t->state == TS_BACKOFF)
			t->state = TS_DONE;
		if (t->state != TS_RUNNING || !t->pid)
			continue;
		uint64_t timeout = S.conf.g[G_STOP_TIMEOUT].n;
		if (t->conf && t->conf->src[T_STOP_TIMEOUT] != SRC_DEFAULT)
			timeout = t->conf->v[T_STOP_TIMEOUT].n;
		t->kill_at_ms = S.shutdown_started_ms + (timeout ? timeout : 1);
		if (!t->conf) /* the shell leads its own session: hang it up */
			(void)kill(-t->pid, SIGHUP);
		(void)kill(t->pid, SIGTERM); /* ESRCH: already exiting, the reap will follow */
	}
	shutdown_progress();
}

/* Unmounts everything, innermost first; what is busy is made read-only, then detached, so
 * its filesystem is clean even though a descriptor (the console) still holds it. */
static void unmount_all(void)
{
	static char buf[32768];
	static struct mnt m[512];
	int n = mountinfo_read(buf, sizeof buf, m, 512);

	for (int i = n - 1; i >= 0; i--) {
		const char *mp = m[i].point;
		if (!strcmp(mp, "/"))
			continue;
		if (umount2(mp, 0) == 0)
			continue;
		/* Busy: remount read-only (flushes and marks it clean), then detach. */
		if (mount(0, mp, 0, MS_REMOUNT | MS_RDONLY, 0) < 0 && errno != EINVAL)
			debug("remount-ro %s: %s", mp, strerror(errno));
		if (umount2(mp, MNT_DETACH) < 0)
			debug("umount %s: %s", mp, strerror(errno));
	}
	/* The root (rootfs in an initramfs) cannot go; read-only is all it can be. */
	(void)mount(0, "/", 0, MS_REMOUNT | MS_RDONLY, 0);
}

static void exit_port(void)
{
	uint64_t port = S.conf.g[G_EXIT_PORT].n;
	if (!S.conf.src[G_EXIT_PORT] || S.action != ACT_POWEROFF)
		return;
	if (ioperm((unsigned long)port, 1, 1) < 0) {
		err("exit-port 0x%llx: ioperm: %s", (unsigned long long)port, strerror(errno));
		return;
	}
	outb((unsigned char)S.exit_status, (unsigned short)port);
}

/* Called once nothing is supervised any more. Never returns. */
static void finish(void) __attribute__((noreturn));
static void finish(void)
{
	static const int cmds[] = {0, RB_HALT_SYSTEM, RB_POWER_OFF, RB_AUTOBOOT};

	/* Whatever is left in our PID namespace (orphans of the shell, ...) goes now. */
	(void)kill(-1, SIGKILL); /* ESRCH: nobody left */
	for (int i = 0; i < 100; i++) {
		pid_t p;
		/* __WALL: our children are made with exit_signal 0 (see loop.c). */
		while ((p = waitpid(-1, 0, WNOHANG | __WALL)) > 0)
			;
		if (p < 0 && errno == ECHILD)
			break;
		struct timespec ts = {0, 10 * 1000000};
		(void)nanosleep(&ts, 0);
	}
	sync();
	if (!S.test_mode)
		unmount_all();
	sync();
	info("%s after %llu ms", action_names[S.action],
	     (unsigned long long)(now_ms() - S.shutdown_started_ms));
	if (S.test_mode)
		_exit(S.exit_status); /* test mode: our status is the machine's */
	exit_port();
	(void)reboot(cmds[S.action]);
	err("reboot: %s", strerror(errno));
	for (;;)
		pause(); /* PID 1 must not return */
}

void shutdown_progress(void)
{
	uint64_t now = now_ms();

	if (!S.action)
		return;
	for (int i = 0; i <= S.ntenants; i++) {
		struct tenant *t = &S.tenants[i];
		if (t->state != TS_RUNNING || !t->kill_at_ms || now < t->kill_at_ms)
			continue;
		if (!t->killed) {
			warn("%s: still running after its stop-timeout, killing it", t->name);
			/* The whole tenant at once: its cgroup, or its PID namespace's init
			 * (killing which kills the namespace). */
			(void)cgroup_kill(t);
			(void)kill(t->pid, SIGKILL);
			if (!t->conf)
				(void)kill(-t->pid, SIGKILL);
			t->killed = 1;
			t->kill_at_ms = now + KILL_GRACE_MS;
		} else {
			err("%s: does not die; shutting down without it", t->name);
			t->state = TS_DONE;
		}
	}
	if (tenants_running() == 0)
		finish();
	loop_rearm_timer();
}
