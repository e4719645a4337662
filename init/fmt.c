/* fmt.c - a tiny printf subset: enough for log lines and /proc writes, nothing more. */
#include "fmt.h"

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s, size_t max)
{
	if (!s)
		s = "(null)";
	for (size_t i = 0; i < max && s[i]; i++)
		put(o, s[i]);
}

static void put_num(struct out *o, unsigned long long v, unsigned base, int neg, int width)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (int w = i + neg; w < width; w++)
		put(o, ' ');
	if (neg)
		put(o, '-');
	while (i)
		put(o, tmp[--i]);
}

size_t fmt_v(char *buf, size_t n, const char *f, va_list ap)
{
	struct out o = {buf, n, 0};

	for (; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		size_t prec = (size_t)-1;
		if (f[0] == '.' && f[1] == '*') {
			prec = (size_t)va_arg(ap, int);
			f += 2;
		}
		int width = 0;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		int longs = 0;
		while (*f == 'l') {
			longs++;
			f++;
		}
		long long sv;
		unsigned long long uv;
		switch (*f) {
		case 's':
			put_str(&o, va_arg(ap, const char *), prec);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd':
			sv = longs == 0	  ? va_arg(ap, int)
			     : longs == 1 ? va_arg(ap, long)
					  : va_arg(ap, long long);
			put_num(&o, sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv,
				10, sv < 0, width);
			break;
		case 'u':
		case 'x':
			uv = longs == 0	  ? va_arg(ap, unsigned)
			     : longs == 1 ? va_arg(ap, unsigned long)
					  : va_arg(ap, unsigned long long);
			put_num(&o, uv, *f == 'x' ? 16 : 10, 0, width);
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			if (!*f)
				goto done;
			put(&o, *f);
		}
	}
done:
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return o.len < n ? o.len : (n ? n - 1 : 0);
}

size_t fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	size_t len = fmt_v(buf, n, f, ap);
	va_end(ap);
	return len;
}
