/* test_fmt.c - fmt.c: the printf subset used for log lines and /proc writes. */
#include <limits.h>
#include <stdarg.h>

#include "fmt.h"
#include "unit.h"

#define AREA "fmt"

static char out[128];
static size_t outlen;

/* Calls fmt_v without the format attribute, so the cases may use conversions gcc rejects. */
static void vfmt(size_t n, const char *f, ...)
{
	va_list ap;
	memset(out, 'Z', sizeof out);
	va_start(ap, f);
	outlen = fmt_v(out, n, f, ap);
	va_end(ap);
}

#define FMT_IS(expected)                                                                           \
	do {                                                                                       \
		EXPECT_S(out, expected);                                                           \
		EXPECT_U(outlen, strlen(expected));                                                \
	} while (0)

TEST(s)
{
	vfmt(sizeof out, "a%sb", "xyz");
	FMT_IS("axyzb");
	vfmt(sizeof out, "%s", "");
	FMT_IS("");
	vfmt(sizeof out, "plain text");
	FMT_IS("plain text");
}

TEST(s_null)
{
	const char *volatile p = 0;
	vfmt(sizeof out, "[%s]", p);
	FMT_IS("[(null)]");
}

TEST(d)
{
	vfmt(sizeof out, "%d", 0);
	FMT_IS("0");
	vfmt(sizeof out, "%d|%d", 42, -42);
	FMT_IS("42|-42");
	vfmt(sizeof out, "%d", INT_MIN);
	FMT_IS("-2147483648");
	vfmt(sizeof out, "%d", INT_MAX);
	FMT_IS("2147483647");
}

TEST(ld_lld)
{
	vfmt(sizeof out, "%ld", -1234567890123L);
	FMT_IS("-1234567890123");
	vfmt(sizeof out, "%lld", LLONG_MIN);
	FMT_IS("-9223372036854775808");
	vfmt(sizeof out, "%lld", LLONG_MAX);
	FMT_IS("9223372036854775807");
}

TEST(u)
{
	vfmt(sizeof out, "%u", 4294967295u);
	FMT_IS("4294967295");
	vfmt(sizeof out, "%lu", 1234567890123UL);
	FMT_IS("1234567890123");
}

TEST(x)
{
	vfmt(sizeof out, "%x", 255u);
	FMT_IS("ff");
	vfmt(sizeof out, "%x", 0u);
	FMT_IS("0");
	vfmt(sizeof out, "%lx", 0xdeadbeefUL);
	FMT_IS("deadbeef");
	vfmt(sizeof out, "%llx", 0xffffffffffffffffULL);
	FMT_IS("ffffffffffffffff");
}

TEST(llu)
{
	vfmt(sizeof out, "%llu", 18446744073709551615ULL);
	FMT_IS("18446744073709551615");
	vfmt(sizeof out, "%llu", 0ULL);
	FMT_IS("0");
}

TEST(width)
{
	vfmt(sizeof out, "[%5llu]", 42ULL);
	FMT_IS("[   42]");
	vfmt(sizeof out, "[%5d]", -42);
	FMT_IS("[  -42]");
	vfmt(sizeof out, "[%2u]", 12345u);
	FMT_IS("[12345]");
	vfmt(sizeof out, "[%4x]", 0xabu);
	FMT_IS("[  ab]");
}

TEST(precision_string)
{
	vfmt(sizeof out, "[%.*s]", 3, "abcdef");
	FMT_IS("[abc]");
	vfmt(sizeof out, "[%.*s]", 10, "ab");
	FMT_IS("[ab]");
	vfmt(sizeof out, "[%.*s]", 0, "ab");
	FMT_IS("[]");
}

TEST(c)
{
	vfmt(sizeof out, "%c%c", 'x', '!');
	FMT_IS("x!");
}

TEST(percent)
{
	vfmt(sizeof out, "100%%");
	FMT_IS("100%");
	vfmt(sizeof out, "%%d");
	FMT_IS("%d");
}

TEST(truncation)
{
	vfmt(5, "abcdefgh");
	EXPECT_S(out, "abcd");
	EXPECT_U(outlen, 4);
	EXPECT_I(out[5], 'Z'); /* nothing written past n */
	vfmt(6, "n=%llu", 1234567ULL);
	EXPECT_S(out, "n=123");
	EXPECT_U(outlen, 5);
	EXPECT_I(out[6], 'Z');
	vfmt(4, "%s", "exactly");
	EXPECT_S(out, "exa");
	vfmt(8, "%s", "exactly"); /* 7 characters fit in 8 bytes */
	FMT_IS("exactly");
}

TEST(truncation_tiny_buffers)
{
	vfmt(1, "abc");
	EXPECT_S(out, "");
	EXPECT_U(outlen, 0);
	EXPECT_I(out[1], 'Z');
	vfmt(0, "abc");
	EXPECT_U(outlen, 0);
	EXPECT_I(out[0], 'Z');
}

TEST(unknown_conversion)
{
	vfmt(sizeof out, "a%qb");
	FMT_IS("a%qb");
	vfmt(sizeof out, "end%");
	FMT_IS("end%");
}

TEST(varargs_wrapper)
{
	char b[32];
	size_t n = fmt(b, sizeof b, "%s:%u: %d", "f", 12u, -3);
	EXPECT_S(b, "f:12: -3");
	EXPECT_U(n, 8);
}
