/*
 * tenant.c - the tenant state machine (PID 1 world: never blocks, never exits).
 *
 * WAITING -> RUNNING (spawned) -> BACKOFF (exited, will restart) -> RUNNING ...
 *                              -> DONE (exited for good, or shutdown)
 * Back-off: 100 ms doubling to 30 s; reset once a run lasted 10 s.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fmt.h"
#include "innit.h"
#include "log.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000
#define HEALTHY_MS     10000

/* Page-aligned: MADV_WIPEONFORK takes whole pages of anonymous memory only. */
static char rings[MAX_TENANTS][RING_SIZE] __attribute__((aligned(4096)));

void tenants_init(void)
{
	/* A tenant's reaper is forked from PID 1: it must not inherit the other tenants' last
	 * output. Wiped on fork by the kernel, at no cost to PID 1. */
	S.rings_wiped = madvise(rings, sizeof rings, MADV_WIPEONFORK) == 0;
	if (!S.rings_wiped) /* ENOSYS without CONFIG_ADVISE_SYSCALLS: reapers scrub instead */
		debug("madvise(MADV_WIPEONFORK): %s", strerror(errno));
	S.ntenants = S.conf.ntenants;
	for (int i = 0; i <= S.ntenants; i++) {
		struct tenant *t = &S.tenants[i];
		t->report_fd = t->log_fd = t->pidfd = t->cg_fd = t->oom_wd = -1;
		t->backoff_ms = BACKOFF_MIN_MS;
		t->main_status = -1;
		if (i < S.ntenants) {
			t->conf = &S.conf.t[i];
			t->name = t->conf->name;
			t->state = t->conf->invalid ? TS_DONE : TS_WAITING;
		} else {
			t->state = TS_DONE;
		}
	}
	struct tenant *sh = &S.tenants[SHELL_SLOT];
	sh->name = "shell";
	if (S.conf.g[G_SHELL].argv)
		sh->state = TS_WAITING;
}

int tenants_running(void)
{
	int n = 0;
	for (int i = 0; i <= S.ntenants; i++)
		n += S.tenants[i].state == TS_RUNNING;
	return n;
}

static int index_of(const struct tenant *t)
{
	return (int)(t - S.tenants);
}

static void start_tenant(struct tenant *t)
{
	t->execd = 0;
	t->killed = 0;
	t->main_status = -1;
	t->rlen = t->llen = 0;
	t->cut = 0;
	t->started_ms = now_ms();
	pid_t pid = t->conf ? spawn_tenant(t, index_of(t)) : spawn_shell(t);
	if (pid < 0) {
		/* Could not even fork (out of memory or pids): treat it as a failed run. */
		t->state = TS_RUNNING;
		t->pid = 0;
		tenant_reaped(t, 127 << 8);
		return;
	}
	t->pid = pid;
	t->state = TS_RUNNING;
	if (t->report_fd >= 0)
		loop_watch(t->report_fd, EV_REPORT, (uint32_t)index_of(t));
	if (t->log_fd >= 0)
		loop_watch(t->log_fd, EV_LOG, (uint32_t)index_of(t));
	loop_watch(t->pidfd, EV_EXIT, (uint32_t)index_of(t));
	debug("%s: spawned, pid %d", t->name, (int)pid);
}

/* Starts every tenant whose turn has come: not waiting on "after", or its back-off is over. */
void tenants_start_ready(void)
{
	uint64_t now = now_ms();

	if (S.action)
		return;
	for (int i = 0; i <= S.ntenants; i++) {
		struct tenant *t = &S.tenants[i];
		if (t->state == TS_BACKOFF && t->restart_at_ms <= now) {
			t->restarts++;
			start_tenant(t);
		} else if (t->state == TS_WAITING) {
			const char *after = t->conf ? t->conf->v[T_AFTER].s : 0;
			struct tenant_conf *dep = after ? conf_tenant(&S.conf, after) : 0;
			/* "after": the named tenant's main process has reached exec() once. */
			if (dep && !S.tenants[dep - S.conf.t].execd &&
			    !S.tenants[dep - S.conf.t].restarts)
				continue;
			start_tenant(t);
		}
	}
	loop_rearm_timer();
}

/* Unwatches before closing: a forked child may still hold the same pipe for a moment, and
 * epoll keeps reporting an open file until its last descriptor is gone. */
static void close_fd(int *fd)
{
	if (*fd >= 0) {
		(void)epoll_ctl(S.epfd, EPOLL_CTL_DEL, *fd, 0); /* ENOENT if never watched: fine */
		(void)close(*fd); /* closing a pipe end cannot fail in a way we could act on */
	}
	*fd = -1;
}

/* Writes "NAME| text\n" with the tenant's control bytes made visible (^[ for ESC, as cat -v
 * does): a tenant must not move the operator's cursor, clear the screen, retitle the
 * terminal, or use \r to print a line that looks like innit's own. */
static void emit_line(struct tenant *t, const char *s, size_t n)
{
	char out[2 * LINE_BUF + 40];
	size_t o = fmt(out, sizeof out, "%s| ", t->name);

	for (size_t i = 0; i < n && o + 3 < sizeof out; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			out[o++] = '^';
			out[o++] = (char)(c ^ 0x40);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '\n';
	if (log_raw(out, o) < 0)
		t->dropped++;
}

/* Each complete line goes out; a line longer than the buffer is cut at its size. */
static void relay_lines(struct tenant *t, int flush)
{
	size_t start = 0;

	for (size_t i = 0; i < t->llen; i++) {
		if (t->lbuf[i] != '\n')
			continue;
		/* The newline that ends a line already cut at the buffer's size is not a line. */
		if (!(i == 0 && t->cut))
			emit_line(t, t->lbuf + start, i - start);
		t->cut = 0;
		start = i + 1;
	}
	/* A full buffer without a newline, or the tail at EOF, goes out as one line. */
	if (start == 0 && (t->llen == sizeof t->lbuf - 1 || (flush && t->llen))) {
		emit_line(t, t->lbuf, t->llen);
		start = t->llen;
		t->cut = 1;
	}
	memmove(t->lbuf, t->lbuf + start, t->llen - start);
	t->llen = (uint16_t)(t->llen - start);
}

/* rings (above): the tenants' last output, fixed, resident only as far as they write. */

static void ring_append(struct tenant *t, const char *buf, size_t n)
{
	if (!t->conf)
		return;
	char *ring = rings[t - S.tenants];
	for (size_t i = 0; i < n; i++) {
		ring[t->ring_head] = buf[i];
		t->ring_head = (t->ring_head + 1) % RING_SIZE;
	}
	t->ring_len = t->ring_len + n > RING_SIZE ? RING_SIZE : t->ring_len + (uint32_t)n;
}

/* Bounded work per wake-up: a tenant that floods its output gets its turn like the others
 * and then waits in its full pipe; it never holds PID 1. */
#define LOG_READS_PER_WAKEUP 16

void tenant_read_log(struct tenant *t)
{
	for (int round = 0; round < LOG_READS_PER_WAKEUP; round++) {
		ssize_t n = read(t->log_fd, t->lbuf + t->llen, sizeof t->lbuf - 1 - t->llen);
		if (n > 0) {
			ring_append(t, t->lbuf + t->llen, (size_t)n);
			t->llen = (uint16_t)(t->llen + n);
			relay_lines(t, 0);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		relay_lines(t, 1); /* EOF or error: the writers are gone */
		close_fd(&t->log_fd);
		return;
	}
}

static void handle_report_line(struct tenant *t, const char *line)
{
	if (line[0] == 'S') {
		t->execd = 1;
		debug("%s: exec %s", t->name, t->conf->v[T_EXEC].argv[0]);
		tenants_start_ready(); /* someone may be waiting for us ("after") */
	} else if (line[0] == 'E') {
		err("%s: %s", t->name, line + 2);
	} else if (line[0] == 'X') {
		int st = 0;
		for (const char *p = line + 2; *p >= '0' && *p <= '9'; p++)
			st = st * 10 + (*p - '0');
		t->main_status = st;
	}
}

void tenant_read_report(struct tenant *t)
{
	for (;;) {
		ssize_t n = read(t->report_fd, t->rbuf + t->rlen, sizeof t->rbuf - 1 - t->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN)
				close_fd(&t->report_fd);
			return;
		}
		t->rlen = (uint16_t)(t->rlen + n);
		t->rbuf[t->rlen] = '\0';
		char *line = t->rbuf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			handle_report_line(t, line);
			line = nl + 1;
		}
		t->rlen = (uint16_t)(t->rbuf + t->rlen - line);
		memmove(t->rbuf, line, t->rlen);
		if (t->rlen == sizeof t->rbuf - 1)
			t->rlen = 0; /* a line longer than we accept: drop it */
	}
}

/* Reports how the main process ended; returns its status as an exit code (128+S for S). */
static int describe_exit(struct tenant *t, int st, char *buf, size_t n)
{
	if (WIFSIGNALED(st)) {
		fmt(buf, n, "%s killed by signal %d", t->name, WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	fmt(buf, n, "%s exited with status %d", t->name, WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

void tenant_reaped(struct tenant *t, int status)
{
	char what[96];
	uint64_t now = now_ms();

	/* The reaper wrote the main process's status before exiting: read it now, whatever
	 * order epoll would have delivered the two events in. */
	if (t->report_fd >= 0)
		tenant_read_report(t);
	if (t->log_fd >= 0)
		tenant_read_log(t);
	close_fd(&t->report_fd);
	close_fd(&t->log_fd);
	close_fd(&t->pidfd);
	t->pid = 0;
	if (t->dropped) { /* the console could not keep up with this tenant's output */
		warn("%s: %lu output lines dropped (console full)", t->name, t->dropped);
		t->dropped = 0;
	}
	/* Stragglers (possible without a PID namespace) go with the tenant; and an OOM kill
	 * is reported before the exit it caused. */
	if (t->cg_fd >= 0) {
		(void)cgroup_kill(t); /* ENOENT on kernels before 5.14: the PID namespace did it */
		cgroup_check_oom(t);
	}
	int st = t->main_status >= 0 ? t->main_status : status;
	int code = describe_exit(t, st, what, sizeof what);

	int policy = t->conf ? (int)t->conf->v[T_RESTART].n : RESTART_ALWAYS;
	int again = policy == RESTART_ALWAYS || (policy == RESTART_ON_FAILURE && code != 0);
	int is_exit_tenant = t->conf && S.conf.g[G_EXIT].s && !strcmp(S.conf.g[G_EXIT].s, t->name);

	if (S.action || !again) {
		t->state = TS_DONE;
		if (is_exit_tenant && !S.action) {
			/* The run's result: printed whatever the log level (SPEC §6). */
			log_msg(LOG_ERR, "%s", what);
			S.exit_status = code;
			shutdown_request(ACT_POWEROFF, "exit tenant ended");
		} else {
			info("%s", what);
		}
		shutdown_progress();
		return;
	}
	if (now - t->started_ms >= HEALTHY_MS)
		t->backoff_ms = BACKOFF_MIN_MS;
	t->restart_at_ms = now + t->backoff_ms;
	info("%s, restarting in %u ms", what, (unsigned)t->backoff_ms);
	t->backoff_ms = t->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : t->backoff_ms * 2;
	t->state = TS_BACKOFF;
	loop_rearm_timer();
}

/* In a freshly forked reaper, when the kernel could not wipe the rings for us: only what
 * was written is cleared, so only those pages are copied. */
void tenants_forget_output(void)
{
	if (S.rings_wiped)
		return;
	/* Until it wraps a ring holds [0, ring_len); after, ring_len is all of it. */
	for (int i = 0; i < S.ntenants; i++)
		explicit_bzero(rings[i], S.tenants[i].ring_len);
}
