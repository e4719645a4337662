/*
 * child.h - the tenant child's world: from clone() to exec(). Everything here may fail fast:
 * child_fail() reports one line (step, path, errno) to PID 1 and _exits; PID 1 marks the
 * tenant failed. Nothing here may run in PID 1.
 */
#ifndef INNIT_CHILD_H
#define INNIT_CHILD_H

#include <sys/types.h>

#include "conf.h"

/* Fixed descriptor slots in the child (set up first thing after clone). */
#define CHILD_REPORT_FD 3 /* to PID 1, CLOEXEC */

/* The PATH a tenant or the operator shell starts with. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void child_fail(const char *step, const char *path) __attribute__((noreturn));
void child_report(const char *line);

/* Builds the tenant's root (mounts, pivot_root, old root detached); cwd is "/" afterwards. */
void child_build_root(const struct tenant_conf *t, unsigned ns, uid_t owner);

/* The tenant's first process (its reaper to be): never returns. */
void child_main(const struct tenant_conf *t, int slot, int report_w, int log_w)
    __attribute__((noreturn));

/* The tenant's main process: namespaces, ids, privileges, exec. Never returns. */
void child_exec(const struct tenant_conf *t, unsigned ns, int ready_w, int go_r)
    __attribute__((noreturn));

/* Installs the default seccomp filter (no_new_privs must be set). */
void seccomp_install(void);

#endif
