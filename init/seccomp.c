/*
 * seccomp.c - the default seccomp filter, hand-written BPF (child world).
 *
 * A deny-list: the syscalls that administer the kernel rather than use it, plus the two
 * terminal ioctls that inject input (TIOCSTI) or poke the console (TIOCLINUX). The ioctl
 * request is compared on its low 32 bits only, as the kernel itself truncates it: a filter
 * comparing all 64 bits is bypassed by setting the high ones (CVE-2019-10063).
 * Anything not for x86_64 (i386 via int 0x80, x32 via bit 30) is refused outright.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
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
	/* Layout: [arch check][x32 check][one JEQ per denied call][ioctl checks][ALLOW][DENY] */
	struct sock_filter f[3 + 2 + NDENIED + 4 + 2];
	unsigned n = 0;
	const unsigned deny = sizeof f / sizeof *f - 1, allow = deny - 1;
#define AT(target) ((unsigned char)((target) - (n + 1))) /* jump offset from the next insn */

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n] =
	    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, AT(deny), 0);
	n++;
	for (unsigned i = 0; i < NDENIED; i++, n++)
		f[n] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i], AT(deny), 0);
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, AT(allow));
	n++;
	/* args[1] is 64 bits, little-endian: its first word is the low half. */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, args[1]));
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, AT(deny), 0);
	n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, AT(deny), 0);
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
#undef AT

	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		child_fail("seccomp", "default filter");
}
