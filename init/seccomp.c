/*
 * seccomp.c - the default seccomp filter, hand-written BPF (child world).
 *
 * A deny-list: the syscalls that administer the kernel rather than use it, plus the two
 * terminal ioctls that inject input (TIOCSTI) or poke the console (TIOCLINUX). The ioctl
 * request is compared on its low 32 bits only, as the kernel itself truncates it: a filter
 * comparing all 64 bits is bypassed by setting the high ones (CVE-2019-10063).
 * Anything not for x86_64 (i386 via int 0x80, x32 via bit 30) is refused outright, and so
 * is a new user namespace (see below).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "child.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#define X32_SYSCALL_BIT 0x40000000U

static const unsigned denied[] = {
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_userfaultfd,
    SYS_open_by_handle_at,
    SYS_iopl,
    SYS_ioperm,
    SYS_swapon,
    SYS_swapoff,
    SYS_acct,
    SYS_syslog,
    SYS_reboot,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_clock_adjtime,
    SYS_adjtimex,
    SYS_lookup_dcookie,
    SYS_quotactl,
    SYS_vhangup,
    SYS_fanotify_init,
    SYS_pivot_root,
};
#define NDENIED (sizeof denied / sizeof *denied)

void seccomp_install(void)
{
	/* Layout (BPF jumps only go forward):
	 *   arch check, x32 check, one JEQ per denied call,
	 *   clone3 -> ENOSYS, unshare/clone -> FLAGS, ioctl -> IOCTL, else ALLOW,
	 *   FLAGS: CLONE_NEWUSER -> DENY, else ALLOW,
	 *   IOCTL: TIOCSTI/TIOCLINUX -> DENY, then ALLOW, DENY, ENOSYS. */
	struct sock_filter f[5 + NDENIED + 12];
	const unsigned enosys = sizeof f / sizeof *f - 1, deny = enosys - 1, allow = deny - 1;
	const unsigned flags = 9 + NDENIED, ioctl = flags + 2;
	unsigned n = 0;
#define AT(target)    ((unsigned char)((target) - (n + 1))) /* jump offset from the next insn */
#define STMT(code, k) f[n++] = (struct sock_filter)BPF_STMT(code, k)
#define JUMP(code, k, jt, jf)                                                                      \
	do {                                                                                       \
		f[n] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);                              \
		n++;                                                                               \
	} while (0)
#define LOAD(field) STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))

	LOAD(arch);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	LOAD(nr);
	JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, AT(deny), 0);
	for (unsigned i = 0; i < NDENIED; i++)
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i], AT(deny), 0);
	/* New user namespaces: the tenant's own would give it CAP_SYS_ADMIN over new mount
	 * and PID namespaces. clone3 passes its flags in memory a filter cannot read, so it
	 * gets ENOSYS, and C libraries fall back to clone, whose flags we can see. */
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, AT(enosys), 0);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, AT(flags), 0);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, AT(flags), 0);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, AT(ioctl), AT(allow));
	LOAD(args[0]); /* FLAGS */
	JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, AT(deny), AT(allow));
	/* IOCTL: args[1] is 64 bits, little-endian: its first word is the low half. */
	LOAD(args[1]);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, AT(deny), 0);
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, AT(deny), 0);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
#undef AT
#undef STMT
#undef JUMP
#undef LOAD

	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	if (n != sizeof f / sizeof *f || ioctl != allow - 3) {
		errno = EFAULT; /* a layout mistake: refuse to run unfiltered */
		child_fail("seccomp", "filter layout");
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		child_fail("seccomp", "default filter");
}
