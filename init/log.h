/* log.h - one-line console messages, prefixed "innit: ", gated by level. */
#ifndef INNIT_LOG_H
#define INNIT_LOG_H

#include <stdint.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern int log_level;

/* Writes "innit: MSG\n" to fd 2 in one write(2); never blocks when fd 2 is O_NONBLOCK. */
void log_msg(int level, const char *f, ...) __attribute__((format(printf, 2, 3)));
/* Writes a raw, already formatted buffer to the console: 0, or -1 if (part of) it was
 * dropped because the console was full (the caller counts it; never retried). */
int log_raw(const char *buf, unsigned long len);

/* Milliseconds of CLOCK_MONOTONIC, i.e. since the kernel started in a VM. */
uint64_t now_ms(void);

#define err(...)  log_msg(LOG_ERR, __VA_ARGS__)
#define warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define debug(...)                                                                                 \
	do {                                                                                       \
		if (log_level >= LOG_DEBUG)                                                        \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
