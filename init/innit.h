/*
 * innit.h - PID 1's state: the configuration, the tenants (and the operator shell, which is
 * supervised like a tenant), and the event-loop descriptors. One instance, fixed size.
 */
#ifndef INNIT_H
#define INNIT_H

#include <stdint.h>
#include <sys/types.h>

#include "conf.h"

enum tenant_state {
	TS_WAITING, /* not started yet (waiting for its "after" tenant, or the first tick) */
	TS_RUNNING, /* its reaper is alive */
	TS_BACKOFF, /* exited; restarts at restart_at */
	TS_DONE,    /* exited for good, or never startable */
};

#define LINE_BUF   256
#define REPORT_BUF 128	 /* the reaper's report lines: "S", "X status", "E what" (cut to fit) */
#define RING_SIZE  65536 /* the last output of each tenant, kept for innit ctl logs */

struct tenant {
	struct tenant_conf *conf; /* NULL for the operator shell */
	const char *name;
	pid_t pid; /* the tenant's reaper (its PID 1), or the shell; 0 when not running */
	uint8_t state;
	uint8_t execd;	 /* the main process reached exec() this run */
	uint8_t killed;	 /* SIGKILL sent during shutdown */
	uint8_t cut;	 /* the last output line was cut at the buffer's size */
	int report_fd;	 /* reaper -> PID 1: "S", "E msg", "X status" lines */
	int log_fd;	 /* the tenant's stdout+stderr */
	int main_status; /* raw wait status of the main process, -1 if unknown */
	uint64_t started_ms, restart_at_ms, kill_at_ms;
	uint32_t backoff_ms;
	unsigned restarts;
	int pidfd;  /* of the running reaper (or shell): readable when it exits */
	int cg_fd;  /* the tenant's cgroup directory, -1 without one */
	int oom_wd; /* inotify watch on its memory.events, -1 without */
	unsigned long oom_kills;
	uint32_t ring_len; /* bytes of output kept (at most RING_SIZE), for innit ctl logs */
	uint32_t ring_head;
	unsigned long dropped; /* output lines the console could not take */
	uint16_t rlen, llen;
	char rbuf[REPORT_BUF]; /* partial report line */
	char lbuf[LINE_BUF];   /* partial output line */
};

enum shutdown_action { ACT_NONE, ACT_HALT, ACT_POWEROFF, ACT_REBOOT };

struct innit {
	struct conf conf;
	struct tenant tenants[MAX_TENANTS + 1]; /* slot ntenants is the operator shell */
	int ntenants;				/* tenants in use, without the shell */
	int epfd, sigfd, timerfd, inofd;
	uint64_t timer_armed_ms; /* deadline the timerfd is set to, 0 if disarmed */
	uint8_t test_mode;	 /* run as PID 1 of a PID namespace on a development machine */
	uint8_t rings_wiped;	 /* the kernel wipes the output rings in every fork */
	uint8_t action;		 /* shutdown requested: enum shutdown_action */
	int exit_status;	 /* reported at power-off (innit.exit) */
	uint64_t shutdown_started_ms;
	uint64_t boot_ms; /* CLOCK_MONOTONIC when innit started */
	char *args;	  /* our argv strings, contiguous: /proc/PID/cmdline shows them */
	size_t args_len;
};

extern struct innit S;

/* The shell follows the tenants, so loops over [0, ntenants] touch only slots in use. */
#define SHELL_SLOT (S.ntenants)

/* tenant.c: the per-tenant state machine (PID 1 world). */
void tenants_init(void);
void tenants_start_ready(void);
void tenants_forget_output(void);
void tenant_reaped(struct tenant *t, int status);
void tenant_read_report(struct tenant *t);
void tenant_read_log(struct tenant *t);
int tenants_running(void);

/* spawn.c: start a tenant or the shell; returns the pid or -1 (PID 1 world). */
pid_t spawn_tenant(struct tenant *t, int index);
pid_t spawn_shell(struct tenant *t);

/* reaper.c: the tenant's PID 1 (child world, never returns). */
void reaper_run(pid_t main_pid, int report_fd) __attribute__((noreturn));

/* loop.c: the one wait point; what each watched descriptor is (with a tenant's index). */
enum event_kind { EV_SIGNAL, EV_TIMER, EV_REPORT, EV_LOG, EV_INOTIFY, EV_EXIT };
int loop_init(void);
void loop_watch(int fd, uint32_t kind, uint32_t index);
void loop_run(void) __attribute__((noreturn));
void loop_rearm_timer(void);

/* cgroup.c: one cgroup v2 group per tenant. */
void cgroup_init(void);
int cgroup_prepare(struct tenant *t);
int cgroup_kill(const struct tenant *t);
void cgroup_check_oom(struct tenant *t);
struct tenant *cgroup_tenant_by_wd(int wd);

/* shutdown.c */
void shutdown_request(int action, const char *why);
void shutdown_progress(void);

/* main.c: drops the dead part of the stack below the caller (see there). */
void forget_dead_stack(void);

/* boot.c */
void boot_mounts(void);
void boot_host(void);
void boot_host_mounts(void);

#endif
