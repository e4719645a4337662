/*
 * orphans - B4's orphan generator. Run it as a direct child of the init under test, inside
 * that init's PID namespace: it makes N orphans (processes whose parent has exited, so that
 * the kernel hands them to PID 1), lets them exit at a steady pace, and measures
 *
 *   - how long each exited orphan stayed a zombie before PID 1 reaped it, and
 *   - how much CPU PID 1 spent over the whole run (user+system, from /proc/1/schedstat).
 *
 * Method (see bench/README.md, B4):
 *
 *  1. A wave of W orphans is made by a middle process that forks W children and exits. The
 *     children block on one "go" pipe per group of G; once the generator has reaped the middle,
 *     all W are orphans of PID 1, alive and idle. This costs PID 1 nothing.
 *  2. The generator opens a pidfd for each, then releases one group every P microseconds by
 *     closing that group's pipe. Each orphan, woken by EOF, stores CLOCK_MONOTONIC in shared
 *     memory and calls _exit(): that is its exit time.
 *  3. It then notes when each orphan disappears, i.e. was reaped (a zombie still exists):
 *     - event mode (-m epoll, chosen automatically when the kernel supports it, Linux 6.9+):
 *       epoll on the pidfds for EPOLLHUP only. A pidfd wakes its waiters with EPOLLHUP when
 *       the process is reaped, so the generator sleeps until a reap happens; "seen" is its
 *       wake-up, late by the scheduler's wake-up latency (microseconds when a CPU is free).
 *     - sweep mode (-m sweep, any kernel): pidfd_send_signal(fd, 0) succeeds while the
 *       process exists, zombie included, and fails with ESRCH once it has been reaped (a
 *       pidfd names one process, so pid reuse cannot fool it; kill(pid, 0) before Linux 5.3).
 *       Between sweeps with nothing new the generator sleeps S microseconds. The reap
 *       happened after the previous sweep started: the largest such uncertainty is res_us.
 *     The wait of an orphan is (when its reap was seen) - (its exit time).
 *
 * Error bounds: every wait is an upper bound (see above). The exit time is taken just before
 * _exit(), so the kernel's own exit work (microseconds) counts as waiting too. PID 1's CPU is
 * the scheduler's exact runtime (ns), over the whole run (so it includes every wake-up PID 1
 * had meanwhile, reaping or not); ticks_ms is the same from /proc/1/stat (10 ms resolution),
 * sys_ticks_ms its system (kernel) part. cg_cpu_ms is the CPU of our whole cgroup over the same
 * interval (see cgroup_cpu_ns), -1 when it cannot be read.
 * On a shared 2-CPU machine, other load shows up as longer waits: run several rounds.
 *
 * Output: one line of key=value pairs (stdout, or -o FILE), e.g.
 *   orphans n=20000 reaped=20000 unreaped=0 cpu_ms=41.2 ticks_ms=40 wait_max_us=812 ...
 *
 * Safety: it refuses to run unless it is in a child PID namespace and its parent is PID 1,
 * so its thousands of processes never land on the host's init.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MODE_AUTO, MODE_SWEEP, MODE_EPOLL };

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *msg)
{
	fprintf(stderr, "orphans: %s: %s\n", msg, strerror(errno));
	exit(1);
}

/* PID 1's CPU time in ns (schedstat: exact), and in clock ticks from /proc/1/stat. */
static uint64_t pid1_cpu_ns(void)
{
	FILE *f = fopen("/proc/1/schedstat", "r");
	unsigned long long ns = 0;
	if (!f || fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	if (f)
		fclose(f);
	return ns;
}

static uint64_t pid1_ticks(uint64_t *sys)
{
	char buf[1024];
	FILE *f = fopen("/proc/1/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	/* after ") ": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime(14) stime(15) */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return 0;
	*sys = st;
	return ut + st;
}

/*
 * CPU used so far by our whole cgroup, in ns (cgroup v1 cpuacct.usage or v2 cpu.stat), or 0.
 * bench/run starts each init in a cgroup of its own, so this is init + generator + orphans:
 * it still sees the reaping cost when an init leaves it to the kernel (SIGCHLD ignored), which
 * charges it to the exiting processes instead of PID 1.
 */
static uint64_t cgroup_cpu_ns(void)
{
	static const char *const v1[] = {"/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct",
					 "/sys/fs/cgroup/cpuacct,cpu"};
	static const char *const v2[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char line[512], path[1024];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof line, f)) {
		char *ctl = strchr(line, ':'), *cg = ctl ? strchr(ctl + 1, ':') : 0;
		if (!cg)
			continue;
		*cg++ = '\0';
		cg[strcspn(cg, "\n")] = '\0';
		int is_v2 = !strcmp(ctl + 1, "");
		if ((!is_v2 && !strstr(ctl + 1, "cpuacct")) || !strcmp(cg, "/"))
			continue; /* the root cgroup would be the whole machine's CPU */
		for (size_t i = 0; i < (is_v2 ? 2 : 3) && !v; i++) {
			snprintf(path, sizeof path, "%s%s/%s", is_v2 ? v2[i] : v1[i], cg,
				 is_v2 ? "cpu.stat" : "cpuacct.usage");
			FILE *u = fopen(path, "r");
			if (!u)
				continue;
			if (is_v2) {
				while (fgets(line, sizeof line, u))
					if (sscanf(line, "usage_usec %llu", &v) == 1) {
						v *= 1000;
						break;
					}
			} else if (fscanf(u, "%llu", &v) != 1) {
				v = 0;
			}
			fclose(u);
		}
		if (v)
			break;
	}
	if (f)
		fclose(f);
	return v;
}

/* The initial PID namespace has a fixed inode number (PROC_PID_INIT_INO, 0xEFFFFFFC). */
static int in_child_pidns(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof link - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "pid:[4026531836]") != 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void sleep_us(unsigned us)
{
	struct timespec ts = {0, (long)us * 1000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The run's parameters and results, shared by the two release loops. */
static long group = 10, period_us = 1000, sleep_s = 20, timeout_ms = 5000;
static volatile uint64_t *exit_ns;
static volatile pid_t *pids;
static uint64_t *waits, max_unc;
static int *pfd, *gow, use_pidfd = 1;
static long *outst, nwait, reaped, unreaped;

struct wave {
	long base, cnt, ng;
};

static void record(long idx, uint64_t seen, uint64_t lo)
{
	uint64_t ex = exit_ns[idx];
	if (!ex) /* cannot happen: it writes before it exits; count it from "seen" */
		ex = seen;
	waits[nwait++] = seen > ex ? seen - ex : 0;
	if (lo < ex)
		lo = ex;
	if (seen > lo && seen - lo > max_unc)
		max_unc = seen - lo;
	reaped++;
}

/* Releases group g of the wave (its members wake on EOF and exit). */
static void release(struct wave *w, long g, long *nout)
{
	close(gow[g]);
	for (long i = g * group; i < w->cnt && i < (g + 1) * group; i++)
		if (pids[w->base + i] > 0 && nout)
			outst[(*nout)++] = i;
}

/*
 * Event mode (Linux >= 6.9-ish, where a pidfd reports EPOLLHUP and wakes its waiters when the
 * process is reaped): epoll on every orphan's pidfd for EPOLLHUP only, plus a timerfd that
 * paces the releases. The generator sleeps until a reap happens; "seen" is its wake-up.
 */
static void release_epoll(struct wave *w)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ep < 0 || tfd < 0)
		die("epoll/timerfd");
	long remaining = 0;
	for (long i = 0; i < w->cnt; i++) {
		if (pfd[i] < 0)
			continue;
		struct epoll_event ev = {.events = EPOLLHUP, .data.u64 = (uint64_t)i};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, pfd[i], &ev) < 0)
			die("epoll_ctl");
		remaining++;
	}
	struct epoll_event tev = {.events = EPOLLIN, .data.u64 = UINT64_MAX};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev) < 0)
		die("epoll_ctl timerfd");
	uint64_t p = period_us ? (uint64_t)period_us * 1000 : 1;
	struct itimerspec its = {{(time_t)(p / 1000000000), (long)(p % 1000000000)}, {0, 1}};
	if (timerfd_settime(tfd, 0, &its, 0) < 0)
		die("timerfd_settime");
	long next_group = 0;
	uint64_t deadline = 0;
	while (remaining > 0) {
		struct epoll_event ev[64];
		int to = -1;
		if (next_group == w->ng) {
			uint64_t t = now_ns();
			if (t >= deadline)
				break;
			to = (int)((deadline - t) / 1000000) + 1;
		}
		int n = epoll_wait(ep, ev, 64, to);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		uint64_t seen = now_ns();
		for (int k = 0; k < n; k++) {
			if (ev[k].data.u64 == UINT64_MAX) {
				uint64_t ticks = 0;
				if (read(tfd, &ticks, sizeof ticks) < 0)
					ticks = 0;
				/* Period 0: release everything at once. */
				if (!period_us)
					ticks = (uint64_t)w->ng;
				while (ticks-- && next_group < w->ng)
					release(w, next_group++, 0);
				if (next_group == w->ng && !deadline) {
					struct itimerspec off = {{0, 0}, {0, 0}};
					timerfd_settime(tfd, 0, &off, 0);
					deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
				}
				continue;
			}
			long i = (long)ev[k].data.u64;
			if (pfd[i] < 0)
				continue;
			/* The wake-up comes from the reap itself: no earlier bound than the exit.
			 */
			record(w->base + i, seen, 0);
			close(pfd[i]); /* also leaves the epoll set */
			pfd[i] = -1;
			remaining--;
		}
	}
	unreaped += remaining;
	for (long i = 0; i < w->cnt; i++)
		if (pfd[i] >= 0)
			close(pfd[i]);
	close(tfd);
	close(ep);
}

/*
 * Sweep mode (any kernel): between releases, check every outstanding orphan that has exited
 * with pidfd_send_signal(fd, 0) (or kill(pid, 0) before Linux 5.3); ESRCH means reaped. The
 * reap happened after the previous sweep started, which bounds the error (res_us).
 */
static void release_sweep(struct wave *w)
{
	long nout = 0, next_group = 0;
	uint64_t next_release = now_ns(), prev_sweep = 0, deadline = 0;
	for (;;) {
		uint64_t t = now_ns();
		if (next_group < w->ng && t >= next_release) {
			release(w, next_group++, &nout);
			next_release += (uint64_t)period_us * 1000;
			if (next_group == w->ng)
				deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
		}
		int changed = 0;
		uint64_t sweep_start = now_ns();
		for (long k = 0; k < nout;) {
			long i = outst[k];
			if (!exit_ns[w->base + i]) {
				k++;
				continue; /* not exited yet */
			}
			int r = use_pidfd ? (int)syscall(SYS_pidfd_send_signal, pfd[i], 0, 0, 0)
					  : kill(pids[w->base + i], 0);
			if (r == 0 || errno != ESRCH) {
				k++;
				continue; /* still there: a zombie, or about to be one */
			}
			record(w->base + i, now_ns(), prev_sweep);
			if (pfd[i] >= 0)
				close(pfd[i]);
			pfd[i] = -1;
			outst[k] = outst[--nout];
			changed = 1;
		}
		prev_sweep = sweep_start;
		if (next_group == w->ng && nout == 0)
			break;
		if (next_group == w->ng && now_ns() > deadline) {
			unreaped += nout;
			for (long k = 0; k < nout; k++)
				if (pfd[outst[k]] >= 0)
					close(pfd[outst[k]]);
			break;
		}
		if (!changed && sleep_s) {
			uint64_t t2 = now_ns(), d = (uint64_t)sleep_s * 1000;
			if (next_group < w->ng && next_release <= t2)
				continue; /* a release is due: no sleep */
			if (next_group < w->ng && next_release - t2 < d)
				d = next_release - t2;
			sleep_us(d >= 1000 ? (unsigned)(d / 1000) : 1);
		}
	}
}

/* Does a pidfd wake its epoll waiters when the process is reaped (not only when it exits)?
 * Try it on a child of our own: register for EPOLLHUP, let it exit, reap it, look. */
static int reap_wakes_pidfd(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 0;
	pid_t c = fork();
	if (c == 0) {
		char ch;
		close(p[1]);
		while (read(p[0], &ch, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	int fd = c > 0 ? (int)syscall(SYS_pidfd_open, c, 0) : -1;
	int ep = epoll_create1(EPOLL_CLOEXEC), ok = 0;
	struct epoll_event ev = {.events = EPOLLHUP};
	if (fd >= 0 && ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0) {
		close(p[1]);
		p[1] = -1;
		while (waitpid(c, 0, 0) < 0 && errno == EINTR)
			;
		c = -1;
		/* Level-triggered, but only a wake-up puts the item on the ready list. */
		ok = epoll_wait(ep, &ev, 1, 0) == 1 && (ev.events & EPOLLHUP);
	}
	if (p[1] >= 0)
		close(p[1]);
	if (c > 0)
		while (waitpid(c, 0, 0) < 0 && errno == EINTR)
			;
	if (fd >= 0)
		close(fd);
	if (ep >= 0)
		close(ep);
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: orphans [-n N] [-w WAVE] [-g GROUP] [-p PERIOD_US] [-s SLEEP_US] "
			"[-t TIMEOUT_MS] [-o FILE] [-k SIGNAL] [-m auto|epoll|sweep]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long n = 20000, wave = 1000;
	int killsig = 0, opt, mode = MODE_AUTO;
	const char *out = 0;

	while ((opt = getopt(argc, argv, "n:w:g:p:s:t:o:k:m:")) != -1) {
		switch (opt) {
		case 'n':
			n = atol(optarg);
			break;
		case 'w':
			wave = atol(optarg);
			break;
		case 'g':
			group = atol(optarg);
			break;
		case 'p':
			period_us = atol(optarg);
			break;
		case 's':
			sleep_s = atol(optarg);
			break;
		case 't':
			timeout_ms = atol(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'k':
			killsig = atoi(optarg);
			break;
		case 'm':
			mode = !strcmp(optarg, "sweep")	  ? MODE_SWEEP
			       : !strcmp(optarg, "epoll") ? MODE_EPOLL
							  : -1;
			break;
		default:
			usage();
		}
	}
	if (mode < 0 || n < 1 || wave < 1 || group < 1 || period_us < 0 || sleep_s < 0 ||
	    timeout_ms < 1)
		usage();
	if (!in_child_pidns() || getppid() != 1) {
		fprintf(stderr, "orphans: refusing to run: must be a child of PID 1 inside a child "
				"PID namespace (e.g. unshare -pf --mount-proc INIT -- orphans)\n");
		return 2;
	}
	if (wave > n)
		wave = n;
	/* One pidfd per orphan of a wave, plus two per group. */
	struct rlimit rl = {(rlim_t)(wave + 2 * (wave / group + 1) + 64),
			    (rlim_t)(wave + 2 * (wave / group + 1) + 64)};
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit nofile");
	(void)prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0); /* sleeps of S us, not S+50 */

	/* Shared with the middle (pids) and the orphans (their exit times). */
	size_t bytes = (size_t)n * (sizeof(uint64_t) + sizeof(pid_t));
	void *shm = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		die("mmap");
	exit_ns = shm;
	pids = (volatile pid_t *)((char *)shm + (size_t)n * sizeof(uint64_t));
	waits = calloc((size_t)n, sizeof *waits);
	pfd = malloc((size_t)wave * sizeof *pfd);
	outst = malloc((size_t)wave * sizeof *outst);
	long ngmax = (wave + group - 1) / group, failed = 0;
	int *gor = malloc((size_t)ngmax * sizeof *gor);
	gow = malloc((size_t)ngmax * sizeof *gow);
	if (!waits || !pfd || !outst || !gor || !gow)
		die("malloc");
	if (mode == MODE_AUTO)
		mode = reap_wakes_pidfd() ? MODE_EPOLL : MODE_SWEEP;
	uint64_t t_start = now_ns();
	uint64_t sys0 = 0, sys1 = 0, cpu0 = pid1_cpu_ns(), tick0 = pid1_ticks(&sys0);
	uint64_t cg0 = cgroup_cpu_ns();

	for (long base = 0; base < n; base += wave) {
		long cnt = n - base < wave ? n - base : wave;
		long ng = (cnt + group - 1) / group;
		for (long j = 0; j < ng; j++) {
			int p[2];
			if (pipe(p) < 0)
				die("pipe");
			gor[j] = p[0];
			gow[j] = p[1];
		}
		pid_t mid = fork();
		if (mid < 0)
			die("fork");
		if (mid == 0) {
			for (long i = 0; i < cnt; i++) {
				pid_t c = fork();
				if (c == 0) {
					int r = gor[i / group];
					/* Keep only our own group's read end, as fd 3: holding any
					 * write end would keep our pipe (or another) from EOF. */
					if (r != 3 && dup2(r, 3) < 0)
						_exit(127);
					if (syscall(SYS_close_range, 4, ~0U, 0) < 0)
						for (int fd = 4; fd < 65536; fd++)
							close(fd);
					char ch;
					while (read(3, &ch, 1) < 0 && errno == EINTR)
						;
					exit_ns[base + i] = now_ns();
					_exit(0);
				}
				pids[base + i] = c; /* -1 if fork failed */
			}
			_exit(0);
		}
		for (long j = 0; j < ng; j++)
			close(gor[j]);
		/* Once the middle is reaped, its children belong to PID 1. */
		while (waitpid(mid, 0, 0) < 0 && errno == EINTR)
			;
		for (long i = 0; i < cnt; i++) {
			pfd[i] = -1;
			if (pids[base + i] <= 0) {
				failed++;
				continue;
			}
			if (use_pidfd) {
				pfd[i] = (int)syscall(SYS_pidfd_open, pids[base + i], 0);
				if (pfd[i] < 0 && errno == ENOSYS && mode == MODE_SWEEP)
					use_pidfd =
					    0; /* kernel < 5.3: kill(pid, 0), same meaning */
				else if (pfd[i] < 0)
					die("pidfd_open");
			}
		}

		struct wave w = {base, cnt, ng};
		if (mode == MODE_EPOLL)
			release_epoll(&w);
		else
			release_sweep(&w);
	}

	uint64_t cpu1 = pid1_cpu_ns(), tick1 = pid1_ticks(&sys1), cg1 = cgroup_cpu_ns();
	uint64_t t_end = now_ns();
	long hz = sysconf(_SC_CLK_TCK);
	qsort(waits, (size_t)nwait, sizeof *waits, cmp_u64);
	uint64_t sum = 0;
	for (long i = 0; i < nwait; i++)
		sum += waits[i];
#define PCT(p) (nwait ? waits[(size_t)((nwait - 1) * (p) / 100)] / 1000 : 0)
	char line[512], res[24] = "NA";
	/* Sweep mode bounds its error; in event mode the error is our own wake-up latency. */
	if (mode == MODE_SWEEP)
		snprintf(res, sizeof res, "%llu", (unsigned long long)(max_unc / 1000));
	int len = snprintf(
	    line, sizeof line,
	    "orphans n=%ld reaped=%ld unreaped=%ld failed=%ld cpu_ms=%.3f ticks_ms=%llu "
	    "sys_ticks_ms=%llu "
	    "cg_cpu_ms=%.3f wait_max_us=%llu wait_p99_us=%llu wait_p50_us=%llu wait_mean_us=%llu "
	    "res_us=%s "
	    "elapsed_ms=%llu method=%s\n",
	    n, reaped, unreaped, failed, cpu0 && cpu1 ? (double)(cpu1 - cpu0) / 1e6 : -1.0,
	    (unsigned long long)((tick1 - tick0) * 1000 / (uint64_t)(hz > 0 ? hz : 100)),
	    (unsigned long long)((sys1 - sys0) * 1000 / (uint64_t)(hz > 0 ? hz : 100)),
	    cg0 && cg1 ? (double)(cg1 - cg0) / 1e6 : -1.0,
	    (unsigned long long)(nwait ? waits[nwait - 1] / 1000 : 0), (unsigned long long)PCT(99),
	    (unsigned long long)PCT(50),
	    (unsigned long long)(nwait ? sum / (uint64_t)nwait / 1000 : 0), res,
	    (unsigned long long)((t_end - t_start) / 1000000),
	    mode == MODE_EPOLL ? "epoll-hup"
	    : use_pidfd	       ? "pidfd-sweep"
			       : "kill0-sweep");
	int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	if (fd < 0)
		die(out);
	if (write(fd, line, (size_t)len) != len)
		die("write");
	if (out)
		close(fd);
	if (killsig)
		kill(1, killsig);
	return unreaped || failed ? 1 : 0;
}
