/*
 * reaper.c - the tenant's PID 1 (child world). It reaps every orphan of the tenant's PID
 * namespace, forwards termination signals to the tenant's main process (a namespace init
 * ignores signals it has no handler for, so the main process would never see them), and when
 * the main process ends, reports its raw status to PID 1, kills what is left and exits.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "fmt.h"
#include "innit.h"

void reaper_run(pid_t main_pid, int report_fd)
{
	static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	sigset_t set;
	char line[32];

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (unsigned i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaddset(&set, forwarded[i]);
	/* Already blocked in PID 1 except SIGQUIT; blocking cannot fail with a valid set. */
	(void)sigprocmask(SIG_BLOCK, &set, 0);

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue; /* EINTR */
		if (sig != SIGCHLD) {
			(void)kill(main_pid, sig); /* it may just have exited: nothing to do then */
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != main_pid)
				continue;
			fmt(line, sizeof line, "X %d\n", st);
			(void)!write(report_fd, line,
				     (size_t)(line[0] ? __builtin_strlen(line) : 0));
			/* The tenant ends with its main process: no stragglers survive it. As
			 * the init of its PID namespace, kill(-1) reaches exactly the tenant;
			 * without one it would reach far more, so then only the main process's
			 * session goes here, and PID 1 empties the tenant's cgroup after us. */
			if (getpid() == 1)
				(void)kill(-1, SIGKILL);
			else
				(void)kill(-main_pid, SIGKILL);
			while (waitpid(-1, 0, 0) > 0 || errno == EINTR)
				;
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
	}
}
