/*
 * tstamp - the benchmarks' stand-in for a tenant: prints the CLOCK_MONOTONIC time at which
 * it started running, as one line "tstamp NANOSECONDS", then exits (or waits).
 *
 *   tstamp          print, exit 0
 *   tstamp pause    print, then sleep until a signal ends it (SIGTERM's default action)
 *   tstamp kmsg     also write "bench-calib mono=NANOSECONDS" to /dev/kmsg, so that the
 *                   kernel log stamps the same instant with its own clock (VM calibration)
 *
 * Static (musl), no stdio: the first instruction after exec is a few microseconds from
 * the clock_gettime() call, so the number is the moment the exec completed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t u64(char *p, unsigned long long v)
{
	char tmp[24];
	size_t n = 0, i;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

int main(int argc, char **argv)
{
	struct timespec ts;
	char line[64];
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned long long ns =
	    (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
	memcpy(line, "tstamp ", 7);
	n = 7 + u64(line + 7, ns);
	line[n++] = '\n';
	(void)!write(1, line, n);
	if (argc > 1 && !strcmp(argv[1], "kmsg")) {
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			memcpy(line, "bench-calib mono=", 17);
			n = 17 + u64(line + 17, ns);
			line[n++] = '\n';
			(void)!write(fd, line, n);
			close(fd);
		}
	}
	if (argc > 1 && !strcmp(argv[1], "pause"))
		for (;;)
			pause();
	return 0;
}
