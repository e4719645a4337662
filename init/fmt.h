/* fmt.h - a tiny printf subset, so PID 1 carries no stdio. */
#ifndef INNIT_FMT_H
#define INNIT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf (always NUL-terminated when n > 0) and returns the length written.
 * Conversions (numbers take an optional width, e.g. %5llu): %s %.*s %c %d %u %ld %lu %lld %llu %x
 * %lx %llx %%. Output is cut at n - 1.
 */
size_t fmt_v(char *buf, size_t n, const char *f, va_list ap);
size_t fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));

#endif
