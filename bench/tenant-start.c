/*
 * tenant-start - B5/B6's driver: how long from asking for a tenant to the tenant's exec.
 *
 * Every tenant runs the same static program, bench/tstamp, which prints the CLOCK_MONOTONIC
 * time at which it started running ("tstamp NS"). The request time T0 is read by this driver
 * just before it forks the launcher. Both clocks are the same machine's CLOCK_MONOTONIC, so
 * the difference is exact up to the driver's own fork (a few tens of microseconds, the same
 * for every launcher).
 *
 *   tenant-start cmd [-r REPS] -- CMD [ARG...]
 *       Runs CMD (e.g. unshare ... chroot ROOT /tstamp, or bwrap ... /tstamp) REPS times, one
 *       after the other, and prints "us=N" for each: T0 -> tstamp's start.
 *
 *   tenant-start innit [-n N] [-c] [-q] [-t SECONDS] INNIT ROOT
 *       Starts INNIT in test mode as PID 1 of a fresh PID namespace (this driver does what
 *       `unshare -pf --mount-proc` does, without an extra exec), with N tenants, each
 *       `exec=/tstamp pause` on ROOT (read-only, shared). -c chains them: tenant k has
 *       after=t(k-1), so innit starts it only once t(k-1) has reached exec; the gap between two
 *       consecutive tenants' starts is then innit's whole request-to-exec path for one
 *       tenant (noticing the previous exec included). Once all N have started it reads PID 1's
 *       memory and its tenants' reapers', sends SIGTERM (innit's orderly stop; in test mode it
 *       then exits) and prints one line:
 *         innit n=N first_us=.. last_us=.. chain_mean_us=.. rss_kb=.. pss_kb=..
 *               reaper_rss_kb=.. reaper_pss_kb=.. [gaps_us=G2,G3,...]   (gaps: with -c)
 *       first_us/last_us: T0 (launching innit) -> first/last tenant's start.
 *       -q: quiet tenants (exec=/bin/sleep 100000, which prints nothing, so innit keeps none
 *       of their output): for PID 1's bookkeeping memory alone. Their start is taken from
 *       innit's debug log ("tK: exec"), as this driver reads it, so the times are rough.
 *       If innit refuses the tenant count (its MAX_TENANTS) or the configuration file's size,
 *       prints
 *       "innit n=N unsupported max=M reason=max_tenants|conf_bytes" and exits 3.
 *
 * Exit status: 0 when every measurement was taken, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: tenant-start cmd [-r REPS] -- CMD [ARG...]\n"
			"       tenant-start innit [-n N] [-c] [-q] [-t SECONDS] INNIT ROOT\n");
	exit(2);
}

/* Reads what fd gives until EOF or the deadline, appending to buf (NUL-terminated). Calls
 * line_cb on every complete line; stops early when it returns nonzero. */
struct reader {
	char buf[1 << 16];
	size_t len, scanned;
};

static int read_some(int fd, struct reader *r, int timeout_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	int n = poll(&p, 1, timeout_ms);
	if (n <= 0)
		return n; /* 0: timeout */
	if (r->len + 1 >= sizeof r->buf) {
		/* Keep the tail only: lines we have not looked at yet. */
		memmove(r->buf, r->buf + r->scanned, r->len - r->scanned);
		r->len -= r->scanned;
		r->scanned = 0;
		if (r->len + 1 >= sizeof r->buf)
			r->len = r->scanned = 0;
	}
	ssize_t k = read(fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
	if (k < 0 && errno == EINTR)
		return 1;
	if (k <= 0)
		return -1; /* EOF */
	r->len += (size_t)k;
	r->buf[r->len] = '\0';
	return 1;
}

/* Next complete line from r, or NULL. */
static char *next_line(struct reader *r)
{
	char *s = r->buf + r->scanned, *nl = memchr(s, '\n', r->len - r->scanned);
	if (!nl)
		return 0;
	*nl = '\0';
	r->scanned = (size_t)(nl + 1 - r->buf);
	return s;
}

static int run_cmd(int argc, char **argv)
{
	int reps = 1, opt, bad = 0;
	while ((opt = getopt(argc, argv, "+r:")) != -1) {
		if (opt == 'r')
			reps = atoi(optarg);
		else
			usage();
	}
	if (optind >= argc || reps < 1)
		usage();
	char **cmd = argv + optind;
	static struct reader r;
	for (int i = 0; i < reps; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return perror("pipe"), 1;
		uint64_t t0 = now_ns();
		pid_t pid = fork();
		if (pid == 0) {
			dup2(p[1], 1);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		close(p[1]);
		uint64_t ts = 0;
		r.len = r.scanned = 0;
		for (;;) {
			int k = read_some(p[0], &r, 10000);
			char *l;
			while ((l = next_line(&r)))
				if (!ts)
					sscanf(l, "tstamp %llu", (unsigned long long *)&ts);
			if (k <= 0)
				break;
		}
		close(p[0]);
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!ts || ts < t0) {
			fprintf(stderr, "tenant-start: %s: no tstamp line (status %d)\n", cmd[0],
				st);
			bad = 1;
			continue;
		}
		printf("us=%.1f\n", (double)(ts - t0) / 1000.0);
		fflush(stdout);
	}
	return bad;
}

/* VmRSS (status) and Pss (smaps_rollup) of a process, in kB; -1 if unreadable. */
static void mem_of(pid_t pid, long *rss, long *pss)
{
	char path[64], line[256];
	*rss = *pss = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", rss) == 1)
			break;
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Pss: %ld", pss) == 1)
			break;
	if (f)
		fclose(f);
}

static int run_innit(int argc, char **argv)
{
	int n = 1, chain = 0, quiet = 0, timeout_s = 0, opt;
	while ((opt = getopt(argc, argv, "n:cqt:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'c':
			chain = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || n < 1)
		usage();
	const char *innit = argv[optind], *root = argv[optind + 1];
	if (!timeout_s)
		timeout_s = 20 + n / 10;

	/* The configuration: N tenants sharing one read-only root. */
	char conf[] = "/tmp/tenant-start.XXXXXX";
	int cfd = mkstemp(conf);
	if (cfd < 0)
		return perror("mkstemp"), 1;
	FILE *cf = fdopen(cfd, "w");
	for (int i = 1; i <= n; i++) {
		fprintf(cf, "tenant.t%d.root=%s\ntenant.t%d.readonly=yes\n", i, root, i);
		fprintf(cf, "tenant.t%d.exec=%s\n", i,
			quiet ? "/bin/sleep 100000" : "/tstamp pause");
		if (chain && i > 1)
			fprintf(cf, "tenant.t%d.after=t%d\n", i, i - 1);
	}
	fclose(cf);

	uint64_t *ts = calloc((size_t)n + 1, sizeof *ts);
	int p[2];
	if (!ts || pipe2(p, O_CLOEXEC) < 0)
		return perror("pipe"), 1;
	uint64_t t0 = now_ns();
	/* Like fork(), into a new PID and mount namespace: the child is PID 1 there. */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return perror("clone"), 1;
	if (pid == 0) {
		if (mount(0, "/", 0, MS_REC | MS_PRIVATE, 0) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) < 0)
			_exit(126);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl(innit, "innit", "--cmdline", quiet ? "innit.log=debug" : "", "--conf", conf,
		      (char *)0);
		_exit(127);
	}
	close(p[1]);

	static struct reader r;
	int seen = 0, unsupported = 0, max = 0, eof = 0;
	uint64_t deadline = t0 + (uint64_t)timeout_s * 1000000000ULL;
	while (seen < n && !unsupported && !eof && now_ns() < deadline) {
		int k = read_some(p[0], &r, 200);
		char *l;
		while ((l = next_line(&r))) {
			int idx;
			unsigned long long v;
			char *m;
			if (sscanf(l, "t%d| tstamp %llu", &idx, &v) == 2 && idx >= 1 && idx <= n &&
			    !ts[idx]) {
				ts[idx] = v;
				seen++;
			} else if (quiet && (m = strstr(l, "] t")) &&
				   sscanf(m + 3, "%d: exec ", &idx) == 1 && strstr(m, ": exec ") &&
				   idx >= 1 && idx <= n && !ts[idx]) {
				ts[idx] =
				    now_ns(); /* the debug line, as read here: no exact time */
				seen++;
			} else if ((m = strstr(l, "too many tenants (at most "))) {
				unsupported = 1;
				max = atoi(m + 26);
			} else if ((m = strstr(l, ": larger than ")) && strstr(m, "ignored")) {
				unsupported = 2; /* the configuration file itself is too big */
				max = atoi(m + 14);
			}
		}
		if (k < 0)
			eof = 1;
	}
	long rss = -1, pss = -1, rrss = 0, rpss = 0, nr = 0;
	if (seen == n) {
		mem_of(pid, &rss, &pss);
		/* The tenants' reapers are PID 1's children (besides, in general, the shell). */
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
		FILE *f = fopen(path, "r");
		int c;
		while (f && fscanf(f, "%d", &c) == 1) {
			long a, b;
			mem_of(c, &a, &b);
			if (a >= 0 && b >= 0) {
				rrss += a;
				rpss += b;
				nr++;
			}
		}
		if (f)
			fclose(f);
	}
	/* Orderly stop (innit: SIGTERM = reboot; in test mode it exits), then make sure. Before
	 * innit has blocked SIGTERM (it refused the configuration early) a namespace's init
	 * would just drop it: then SIGKILL, which takes the whole namespace. */
	kill(pid, seen == n ? SIGTERM : SIGKILL);
	uint64_t stop_deadline = now_ns() + 10000000000ULL;
	while (!eof && now_ns() < stop_deadline) {
		int k = read_some(p[0], &r, 200);
		while (next_line(&r))
			;
		if (k < 0)
			eof = 1;
	}
	if (!eof)
		kill(pid, SIGKILL);
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	unlink(conf);

	if (unsupported) {
		printf("innit n=%d unsupported max=%d reason=%s\n", n, max,
		       unsupported == 1 ? "max_tenants" : "conf_bytes");
		return 3;
	}
	if (seen < n) {
		fprintf(stderr, "tenant-start: innit: only %d of %d tenants started\n", seen, n);
		if (r.len)
			fprintf(stderr, "%s\n", r.buf + (r.len > 2000 ? r.len - 2000 : 0));
		return 1;
	}
	uint64_t first = UINT64_MAX, last = 0;
	for (int i = 1; i <= n; i++) {
		if (ts[i] < first)
			first = ts[i];
		if (ts[i] > last)
			last = ts[i];
	}
	double chain_mean = 0;
	if (chain && n > 1)
		chain_mean = (double)(ts[n] - ts[1]) / (n - 1) / 1000.0;
	printf("innit n=%d first_us=%.1f last_us=%.1f chain_mean_us=%.1f rss_kb=%ld pss_kb=%ld "
	       "reaper_rss_kb=%.1f reaper_pss_kb=%.1f",
	       n, (double)(first - t0) / 1000.0, (double)(last - t0) / 1000.0, chain_mean, rss, pss,
	       nr ? (double)rrss / (double)nr : -1.0, nr ? (double)rpss / (double)nr : -1.0);
	/* Each chain gap on its own, so that a caller can take medians rather than a mean. */
	for (int i = 2; chain && i <= n; i++)
		printf("%s%.1f", i == 2 ? " gaps_us=" : ",", (double)(ts[i] - ts[i - 1]) / 1000.0);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "cmd"))
		return run_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "innit"))
		return run_innit(argc - 1, argv + 1);
	usage();
}
