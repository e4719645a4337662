/* log.c - console messages without stdio: format into a stack buffer, one write. */
#include <errno.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"

int log_level = LOG_INFO;

uint64_t now_ms(void)
{
	struct timespec ts;
	/* CLOCK_MONOTONIC cannot fail with a valid pointer; ignore the result. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int log_raw(const char *buf, unsigned long len)
{
	ssize_t w;
	/* One attempt: a full console must cost PID 1 a counter, not a stall. */
	do
		w = write(2, buf, len);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)len ? 0 : -1;
}

void log_msg(int level, const char *f, ...)
{
	char buf[512];
	size_t n;
	va_list ap;

	if (level > log_level)
		return;
	if (log_level >= LOG_DEBUG) {
		uint64_t ms = now_ms();
		n = fmt(buf, sizeof buf, "innit: [%5llu ms] ", (unsigned long long)ms);
	} else {
		n = fmt(buf, sizeof buf, "innit: ");
	}
	va_start(ap, f);
	n += fmt_v(buf + n, sizeof buf - n - 1, f, ap);
	va_end(ap);
	buf[n++] = '\n';
	log_raw(buf, n);
}
