/*
 * main.c - the unit test runner. Each case runs in a forked child with fd 2 on /dev/null
 * (the parser logs its errors there), so a crash or a sanitizer abort in one case becomes a
 * FAIL line for that case and the others still run. A crashed case is then run once more with
 * its stderr captured, and the sanitizer's report is shown on stderr as "    | " lines.
 *
 * stdout carries only "PASS unit/NAME" and "FAIL unit/NAME: reason" lines. Exit status 0 if
 * every case passed, 1 otherwise.
 *
 * Usage: build/unit [SUBSTRING]   runs the cases whose name contains SUBSTRING.
 *        UNIT_NOFORK=1 build/unit  runs in one process (for a debugger).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#define MAX_CASES    512
#define CASE_TIMEOUT 10 /* seconds */
#define EXIT_PASS    70
#define EXIT_FAIL    71

static struct {
	const char *name;
	void (*fn)(void);
} cases[MAX_CASES];
static int ncases;

static char reason[1024];
static int failed;

void unit_register(const char *name, void (*fn)(void))
{
	if (ncases < MAX_CASES) {
		cases[ncases].name = name;
		cases[ncases].fn = fn;
	}
	ncases++; /* counted even when the table is full: main() reports it */
}

void unit_fail(const char *file, int line, const char *f, ...)
{
	va_list ap;
	int n;

	if (failed++)
		return; /* keep the first failure */
	n = snprintf(reason, sizeof reason, "%s:%d: ", file, line);
	va_start(ap, f);
	vsnprintf(reason + n, sizeof reason - (size_t)n, f, ap);
	va_end(ap);
	for (char *p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int unit_failed(void)
{
	return failed;
}

const char *unit_escn(const char *s, size_t n)
{
	static char bufs[4][200];
	static int next;
	char *b = bufs[next++ % 4], *o = b, *end = b + sizeof bufs[0] - 8;

	if (!s)
		return "NULL";
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o >= end) {
			o += sprintf(o, "...");
			break;
		}
		if (c == '"' || c == '\\')
			o += sprintf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o++ = '"';
	*o = '\0';
	return b;
}

const char *unit_esc(const char *s)
{
	return s ? unit_escn(s, strlen(s)) : "NULL";
}

static void run_here(int i)
{
	failed = 0;
	reason[0] = '\0';
	cases[i].fn();
}

/* Runs case i in a child: 1 passed, 0 failed, -1 crashed, -2 timed out; reason says why. */
static int run_forked(int i, int devnull)
{
	int fds[2];
	if (pipe(fds) < 0) {
		snprintf(reason, sizeof reason, "pipe failed");
		return 0;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(reason, sizeof reason, "fork failed");
		return 0;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(devnull, 2);
		alarm(CASE_TIMEOUT);
		run_here(i);
		if (failed && write(fds[1], reason, strlen(reason)) < 0)
			_exit(1);
		_exit(failed ? EXIT_FAIL : EXIT_PASS);
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t r;
	reason[0] = '\0';
	while ((r = read(fds[0], reason + n, sizeof reason - 1 - n)) > 0)
		n += (size_t)r;
	reason[n] = '\0';
	close(fds[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_PASS)
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_FAIL)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
		snprintf(reason, sizeof reason, "timed out after %d s", CASE_TIMEOUT);
		return -2; /* not worth running again */
	}
	if (WIFSIGNALED(st))
		snprintf(reason, sizeof reason, "crashed: killed by signal %d", WTERMSIG(st));
	else
		snprintf(reason, sizeof reason,
			 "crashed: exit status %d (sanitizer report on stderr)", WEXITSTATUS(st));
	return -1;
}

/* Runs a crashed case again with stderr captured and shows it as "    | " lines. */
static void show_crash(int i, int devnull, int err)
{
	int fds[2];
	if (pipe(fds) < 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		dup2(devnull, 1);
		alarm(CASE_TIMEOUT);
		run_here(i);
		_exit(0);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[512];
	int lines = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (lines++ < 60)
			dprintf(err, "    | %s%s", line, strchr(line, '\n') ? "" : "\n");
	}
	if (f)
		fclose(f);
	if (pid > 0)
		while (waitpid(pid, 0, 0) < 0)
			;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : 0;
	int nofork = getenv("UNIT_NOFORK") != 0;
	int nfail = 0;

	setvbuf(stdout, 0, _IOLBF, 0);
	int err = dup(2);
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (err < 0 || devnull < 0) {
		printf("FAIL unit/runner: cannot open /dev/null\n");
		return 1;
	}
	if (ncases > MAX_CASES) {
		printf("FAIL unit/runner: %d cases registered, at most %d\n", ncases, MAX_CASES);
		return 1;
	}
	if (nofork)
		dup2(devnull, 2);
	for (int i = 0; i < ncases; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		int ok;
		if (nofork) {
			run_here(i);
			ok = !failed;
		} else {
			ok = run_forked(i, devnull);
		}
		if (ok > 0) {
			printf("PASS unit/%s\n", cases[i].name);
		} else {
			printf("FAIL unit/%s: %s\n", cases[i].name, reason);
			nfail++;
			if (ok == -1)
				show_crash(i, devnull, err);
		}
	}
	return nfail ? 1 : 0;
}
