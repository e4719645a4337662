/*
 * unit.h - a tiny test harness for the pure parts of innit (no external framework).
 *
 * A case is declared with TEST(name) in a file that defines AREA; it registers itself at
 * start-up and is reported as "PASS unit/AREA/name" or "FAIL unit/AREA/name: reason". The
 * EXPECT_* macros record the first failure (file:line, expected and actual values) and return
 * from the function they are used in.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdint.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void));
void unit_fail(const char *file, int line, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
int unit_failed(void);
/* A printable, quoted copy of s (or "NULL"), in one of a few rotating static buffers. */
const char *unit_esc(const char *s);
/* The same for n bytes that may hold NULs. */
const char *unit_escn(const char *s, size_t n);

#define TEST(name)                                                                                 \
	static void test_##name(void);                                                             \
	__attribute__((constructor)) static void register_##name(void)                             \
	{                                                                                          \
		unit_register(AREA "/" #name, test_##name);                                        \
	}                                                                                          \
	static void test_##name(void)

#define EXPECT_U_AT(file, line, actual, expected)                                                  \
	do {                                                                                       \
		unsigned long long a_ = (unsigned long long)(actual);                              \
		unsigned long long e_ = (unsigned long long)(expected);                            \
		if (a_ != e_) {                                                                    \
			unit_fail(file, line, "%s: expected %llu, got %llu", #actual, e_, a_);     \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define EXPECT_I_AT(file, line, actual, expected)                                                  \
	do {                                                                                       \
		long long a_ = (long long)(actual);                                                \
		long long e_ = (long long)(expected);                                              \
		if (a_ != e_) {                                                                    \
			unit_fail(file, line, "%s: expected %lld, got %lld", #actual, e_, a_);     \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define EXPECT_S_AT(file, line, actual, expected)                                                  \
	do {                                                                                       \
		const char *a_ = (actual);                                                         \
		const char *e_ = (expected);                                                       \
		if ((a_ == 0) != (e_ == 0) || (a_ && strcmp(a_, e_))) {                            \
			unit_fail(file, line, "%s: expected %s, got %s", #actual, unit_esc(e_),    \
				  unit_esc(a_));                                                   \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define EXPECT_TRUE_AT(file, line, cond)                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			unit_fail(file, line, "expected %s", #cond);                               \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define EXPECT_U(a, e)	  EXPECT_U_AT(__FILE__, __LINE__, a, e)
#define EXPECT_I(a, e)	  EXPECT_I_AT(__FILE__, __LINE__, a, e)
#define EXPECT_S(a, e)	  EXPECT_S_AT(__FILE__, __LINE__, a, e)
#define EXPECT_TRUE(cond) EXPECT_TRUE_AT(__FILE__, __LINE__, cond)
#define EXPECT_NULL(p)	  EXPECT_TRUE_AT(__FILE__, __LINE__, (p) == 0)
#define EXPECT_NONNULL(p) EXPECT_TRUE_AT(__FILE__, __LINE__, (p) != 0)

/* Calls a helper that may record a failure, and stops the case if it did. */
#define CALL(x)                                                                                    \
	do {                                                                                       \
		x;                                                                                 \
		if (unit_failed())                                                                 \
			return;                                                                    \
	} while (0)

#endif
