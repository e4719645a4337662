/*
 * mkcpio: write a cpio "newc" archive (the format the kernel unpacks as an initramfs) to
 * stdout from a list file, without root privileges. Same idea as the kernel's
 * usr/gen_init_cpio, written anew.
 *
 *   dir   NAME MODE UID GID
 *   file  NAME SOURCE MODE UID GID [LINK...]   LINKs are hard links to the same inode
 *   nod   NAME MODE UID GID c|b MAJOR MINOR
 *   slink NAME TARGET MODE UID GID
 *
 * MODE is octal permission bits. `#` starts a comment; `${VAR}` is replaced by the value
 * given with -D VAR=VALUE. The output depends only on the list and the source files'
 * contents: mtime is SOURCE_DATE_EPOCH (or 0), inodes are numbered in list order, and no
 * host owner, time or inode leaks in, so the same inputs give the same bytes.
 *
 * Hard links follow the newc convention the kernel (init/initramfs.c, maybe_link) and GNU
 * cpio both accept: every name carries the same inode and nlink, and only the last one
 * carries the data.
 */
#define _POSIX_C_SOURCE 200809L
#include <cpio.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE   4096
#define MAX_FIELDS 64
#define MAX_DEFS   64

struct hdr {
	const char *name;
	unsigned ino, mode, uid, gid, nlink, mtime, size, rmajor, rminor; /* all 32-bit in newc */
};

static const char *list_name;
static unsigned long line_no;	   /* 0 outside the list: errors then carry no position */
static const char *defs[MAX_DEFS]; /* "VAR=VALUE" strings from -D */
static int ndefs;
static unsigned long long offset; /* bytes written, for the 4- and 512-byte padding */
static unsigned next_ino = 1;
static unsigned mtime;
static FILE *list; /* global, so that leaving through die() is no leak */

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkcpio: ", stderr);
	if (line_no)
		fprintf(stderr, "%s:%lu: ", list_name, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *to, int status)
{
	fputs("usage: mkcpio [-D VAR=VALUE]... LISTFILE > ARCHIVE\n", to);
	exit(status);
}

static void emit(const void *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n)
		die("write error: %s", strerror(errno));
	offset += n;
}

static void pad(unsigned align)
{
	static const char zeros[512];

	emit(zeros, (align - offset % align) % align);
}

static void put_header(const struct hdr *h)
{
	const char *name = h->name;
	char buf[111];

	/* Archive names are relative, as gen_init_cpio writes them; "/" itself becomes ".". */
	while (*name == '/')
		name++;
	if (!*name)
		name = ".";
	/* Magic, then ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor
	 * rdevminor namesize check, each as 8 hex digits. */
	snprintf(buf, sizeof buf, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 h->ino, h->mode, h->uid, h->gid, h->nlink, h->mtime, h->size, 0u, 0u, h->rmajor,
		 h->rminor, (unsigned)strlen(name) + 1, 0u);
	emit(buf, 110);
	emit(name, strlen(name) + 1);
	pad(4);
}

static unsigned number(const char *s, int base, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, base);
	if (!isdigit((unsigned char)*s) || *end || errno || v > max)
		die("bad %s \"%s\"", what, s);
	return (unsigned)v;
}

/* Fill in what every entry has: MODE UID GID at f[0..2], plus the file type. */
static struct hdr entry(const char *name, char **f, unsigned type)
{
	struct hdr h = {.name = name, .nlink = 1, .mtime = mtime};

	h.mode = type | number(f[0], 8, 07777, "mode");
	h.uid = number(f[1], 10, 0xffffffffUL, "uid");
	h.gid = number(f[2], 10, 0xffffffffUL, "gid");
	h.ino = next_ino++;
	return h;
}

static void do_dir(char **f, int n)
{
	struct hdr h = entry(f[0], f + 1, C_ISDIR);

	(void)n;
	h.nlink = 2;
	put_header(&h);
}

static void do_file(char **f, int n)
{
	struct hdr h = entry(f[0], f + 2, C_ISREG);
	char buf[65536];
	struct stat st;
	unsigned left;
	FILE *in = fopen(f[1], "rb");
	int i, links = n - 4; /* f[0] and the hard links f[5..n-1] */

	if (!in || fstat(fileno(in), &st))
		die("%s: %s", f[1], strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", f[1]);
	if ((unsigned long long)st.st_size > 0xffffffffULL)
		die("%s: larger than newc's 4 GiB limit", f[1]);
	h.nlink = (unsigned)links;
	for (i = 0; i < links; i++) {
		h.name = i ? f[4 + i] : f[0];
		h.size = i == links - 1 ? (unsigned)st.st_size : 0; /* data with the last */
		put_header(&h);
	}
	for (left = h.size; left;) {
		size_t want = left < sizeof buf ? left : sizeof buf;
		size_t got = fread(buf, 1, want, in);

		if (got != want)
			die("%s: %s", f[1],
			    ferror(in) ? strerror(errno) : "file shrank while reading");
		emit(buf, got);
		left -= (unsigned)got;
	}
	fclose(in);
	pad(4);
}

static void do_nod(char **f, int n)
{
	struct hdr h;

	(void)n;
	if (strcmp(f[4], "c") && strcmp(f[4], "b"))
		die("bad device type \"%s\" (c or b)", f[4]);
	h = entry(f[0], f + 1, f[4][0] == 'c' ? C_ISCHR : C_ISBLK);
	h.rmajor = number(f[5], 10, 4095, "major");
	h.rminor = number(f[6], 10, 1048575, "minor");
	put_header(&h);
}

static void do_slink(char **f, int n)
{
	struct hdr h = entry(f[0], f + 2, C_ISLNK);

	(void)n;
	h.size = (unsigned)strlen(f[1]); /* the target is the body, without its NUL */
	put_header(&h);
	emit(f[1], h.size);
	pad(4);
}

static const struct kind {
	const char *word;
	int fields, max_fields; /* counting the name, not the keyword */
	void (*make)(char **f, int n);
} kinds[] = {
    {"dir", 4, 4, do_dir},
    {"file", 5, MAX_FIELDS, do_file},
    {"nod", 7, 7, do_nod},
    {"slink", 5, 5, do_slink},
};

/* The value of a -D definition; the last one of a name wins. */
static const char *lookup(const char *name, size_t len)
{
	for (int i = ndefs - 1; i >= 0; i--)
		if (!strncmp(defs[i], name, len) && defs[i][len] == '=')
			return defs[i] + len + 1;
	return NULL;
}

/* Copy s to *out with ${VAR} replaced; advance *out past the copy's NUL. */
static char *expand(const char *s, char **out, const char *end)
{
	char *start = *out, *o = *out;

	while (*s) {
		const char *v = s, *close;
		size_t len = 1;

		if (s[0] == '$' && s[1] == '{') {
			close = strchr(s + 2, '}');
			if (!close)
				die("unterminated ${ in \"%s\"", s);
			len = (size_t)(close - s - 2);
			v = lookup(s + 2, len);
			if (!v)
				die("undefined variable ${%.*s} (define it with -D)", (int)len,
				    s + 2);
			s = close + 1;
			len = strlen(v);
		} else {
			s++;
		}
		if (len >= (size_t)(end - o))
			die("line too long after ${} expansion");
		memcpy(o, v, len);
		o += len;
	}
	*o++ = '\0';
	*out = o;
	return start;
}

static void do_line(char *line)
{
	static char expanded[4 * MAX_LINE];
	char *f[MAX_FIELDS + 1], *out = expanded;
	int n = 0;
	size_t k;

	for (;;) {
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			break;
		if (n == MAX_FIELDS + 1)
			die("too many fields");
		f[n++] = line;
		while (*line && !isspace((unsigned char)*line))
			line++;
		if (*line)
			*line++ = '\0';
	}
	if (!n)
		return;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (!strcmp(f[0], kinds[k].word))
			break;
	if (k == sizeof kinds / sizeof kinds[0])
		die("unknown entry type \"%s\" (dir, file, nod or slink)", f[0]);
	if (n - 1 < kinds[k].fields || n - 1 > kinds[k].max_fields)
		die("%s takes %d%s fields after it, not %d", f[0], kinds[k].fields,
		    kinds[k].max_fields > kinds[k].fields ? " or more" : "", n - 1);
	for (int i = 1; i < n; i++)
		f[i] = expand(f[i], &out, expanded + sizeof expanded);
	kinds[k].make(f + 1, n - 1);
}

int main(int argc, char **argv)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char line[MAX_LINE];
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *def = NULL;

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout, 0);
		} else if (!strcmp(argv[i], "-D") && i + 1 < argc) {
			def = argv[++i];
		} else if (!strncmp(argv[i], "-D", 2) && argv[i][2]) {
			def = argv[i] + 2;
		} else {
			usage(stderr, 2);
		}
		if (!strchr(def, '=') || def[0] == '=')
			die("-D wants VAR=VALUE, not \"%s\"", def);
		if (ndefs == MAX_DEFS)
			die("too many -D definitions");
		defs[ndefs++] = def;
	}
	if (argc - i != 1)
		usage(stderr, 2);
	if (sde && *sde)
		mtime = number(sde, 10, 0xffffffffUL, "SOURCE_DATE_EPOCH");
	if (isatty(STDOUT_FILENO))
		die("refusing to write an archive to a terminal");
	list_name = argv[i];
	list = strcmp(list_name, "-") ? fopen(list_name, "r") : stdin;
	if (!list)
		die("%s: %s", list_name, strerror(errno));

	while (fgets(line, sizeof line, list)) {
		line_no++;
		if (!strchr(line, '\n') && !feof(list))
			die("line longer than %d bytes", MAX_LINE - 2);
		do_line(line);
	}
	if (ferror(list))
		die("%s: read error", list_name);
	fclose(list);
	line_no = 0;

	struct hdr trailer = {.name = "TRAILER!!!", .nlink = 1};
	put_header(&trailer);
	pad(512);
	if (fflush(stdout) || ferror(stdout))
		die("write error: %s", strerror(errno));
	return 0;
}
