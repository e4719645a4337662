#!/bin/sh
# tests/attack/attack.sh - the hostile tenant (Eve) and her victim (Bob), for busybox sh inside
# an innit tenant. It refuses to run anywhere else (it probes every pid it can see, and more).
#
#   attack victim    Bob: a secret in his environment, a loopback web server, SysV IPC
#                    objects and an abstract socket (probe victim), then a long sleep
#   attack eve       attacks with the default capabilities
#   attack mallory   attacks that need capabilities: run with caps=+sys_admin,+sys_ptrace
#
# Each attack prints one line: "ATTACK NAME ok[: detail]" (the isolation held) or
# "ATTACK NAME BROKEN detail". The suites (tests/host/attack.sh, tests/vm/attack.sh) know the
# list of names (tests/attack/names) and count a missing line as a failure.
#
# Inputs (environment): MARKER, a host file outside the tenant's root, and MARKRE, a regex
# matching its content but not itself (default: the VM's /etc/innit.conf); HOSTPORT, a web
# server on the host's loopback (optional); DELAY, seconds to let the victim get ready.
# The victim's secret matches S3CR3T[-]VALUE and its command line contains "sleep 7361";
# the patterns are written so that they never match this script's own text.

# Refuse to run outside a user namespace (uid_map is the identity: this is the host, or a
# tenant configured with ns=-user): a tenant's uid 0 must never be the host's. (The attacks
# send no signal, kill -0 only, and write only values a file already holds; still.)
if ! [ -r /proc/self/uid_map ] || grep -q '^ *0 *0 *4294967295$' /proc/self/uid_map; then
	echo "attack: not inside a user namespace (an innit tenant): refusing" >&2
	exit 3
fi

MARKER=${MARKER:-/etc/innit.conf}
MARKRE=${MARKRE:-tenant[.]alice[.]root}
DELAY=${DELAY:-1}
SECRE='S3CR3T[-]VALUE'
PROBE=$(command -v probe || echo /bin/probe)
PATH=/tmp/bb:$PATH

# Every busybox applet on PATH, also in a base root that links only a few of them.
mkdir -p /tmp/bb && busybox --install -s /tmp/bb 2>/dev/null

ok() { echo "ATTACK $1 ok${2:+: $2}"; }
broken() { echo "ATTACK $1 BROKEN $2"; }
# verdict NAME FINDINGS [OK-DETAIL]: BROKEN when FINDINGS is not empty.
verdict() { if [ -n "$2" ]; then broken "$1" "$2"; else ok "$1" "${3:-}"; fi; }
# err CMD...: runs CMD, prints its error message (one line) or "succeeded".
err() { if o=$("$@" 2>&1); then echo succeeded; else echo "$o" | tail -n 1; fi; }
status() { awk -v k="$1:" '$1 == k {print $2}' /proc/self/status; }
# reach PATH...: prints the first path whose content matches the host marker.
reach() {
	for p; do grep -qE "$MARKRE" "$p" 2>/dev/null && { echo "$p"; return 0; }; done
	return 1
}
probe() {
	if [ -x "$PROBE" ]; then "$PROBE" "$@"; else broken "$2" "probe missing: not attempted"; fi
}

# ------------------------------------------------------------------------------------------
victim() {
	mkdir -p /tmp/www && echo "bob's page" >/tmp/www/index.html
	httpd -f -vv -p 8080 -h /tmp/www & # logs every request it gets ("IP:PORT: url:/")
	[ -x "$PROBE" ] && "$PROBE" victim &
	# Ready once port 8080 (0x1F90) listens: no request of our own, the log must stay empty.
	i=0
	until grep -q ':1F90 0*:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null || [ $i -ge 100 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	echo "VICTIM ready $(hostname)"
	exec sleep 7361
}

# ------------------------------------------------------------------------------------------
a_pids() {
	seen='' hits=0 own=0
	for d in /proc/[0-9]*; do
		case $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) in
		*"sleep 7361"*) seen="$seen ${d#/proc/}" ;;
		esac
	done
	# Every pid kill -0 reaches must be one of ours, listed in our /proc.
	p=2
	while [ $p -le 1000 ]; do
		if kill -0 $p 2>/dev/null; then
			if [ -d /proc/$p ]; then own=$((own + 1)); else hits=$((hits + 1)); fi
		fi
		p=$((p + 1))
	done
	f=''
	[ -n "$seen" ] && f="victim's process visible:$seen"
	[ $hits -gt 0 ] && f="$f kill -0 reached $hits pids not in our /proc"
	c=$(tr -d '\0' </proc/1/cmdline)
	[ "$c" = innit ] || f="$f PID 1 is '$c', not the tenant's reaper"
	verdict pids "$f" "$(ls -d /proc/[0-9]* | wc -l) pids visible, kill -0 hit $own (own)"
}

a_environ() {
	f=''
	for e in /proc/[0-9]*/environ /proc/[0-9]*/cmdline /proc/[0-9]*/task/*/environ; do
		{ tr '\0' '\n' <"$e" | grep -q "$SECRE"; } 2>/dev/null && f="$f $e"
	done
	[ -n "$f" ] && f="secret found in$f"
	if head -c 1 /proc/1/environ >/dev/null 2>&1; then
		f="$f; /proc/1/environ readable ($(tr '\0' ' ' </proc/1/environ | head -c 80))"
	fi
	c=$(tr -d '\0' </proc/1/cmdline)
	[ "$c" = innit ] || f="$f; /proc/1/cmdline is '$c'"
	verdict environ "$f" "reaper's cmdline is 'innit', its environ unreadable"
}

a_reaper_proc() {
	f=''
	for x in mem maps environ auxv stack syscall fd root cwd exe; do
		ls /proc/1/$x/ >/dev/null 2>&1 || head -c 1 /proc/1/$x >/dev/null 2>&1 &&
			f="$f /proc/1/$x"
	done
	if dd if=/proc/1/mem of=/dev/null bs=1 count=1 skip=4194304 2>/dev/null; then
		f="$f (read /proc/1/mem)"
	fi
	verdict reaper-proc "${f:+readable:$f}" "mem, maps, environ, fd, root, cwd, exe all refused"
}

a_kernel_cmdline() {
	f=''
	# The kernel command line carries innit's configuration (innit.tenant.NAME.KEY=VALUE).
	grep -q "$SECRE" /proc/cmdline && f="another tenant's env.SECRET is in /proc/cmdline"
	grep -q 'innit[.]tenant[.]' /proc/cmdline && f="$f innit.tenant.* keys in /proc/cmdline"
	verdict kernel-cmdline "$f" "$(wc -c </proc/cmdline) bytes, no innit configuration"
}

a_root_escape() {
	b=${MARKER##*/}
	f=$(reach "$MARKER" "/..$MARKER" "/../../../..$MARKER" /proc/1/root"$MARKER" \
		/proc/1/cwd"$MARKER" /proc/self/root"$MARKER" /proc/self/root/../..$MARKER \
		/proc/[0-9]*/root"$MARKER" /proc/[0-9]*/cwd/../../..$MARKER \
		"/../$b" "/../test/$b" "/../../$b" /dev/fd/../../..$MARKER)
	# A ".." walk from every starting point ends at our own root.
	want=$(ls -a / | tr '\n' ' ')
	for d in / /tmp /proc /dev /dev/pts /sys; do
		got=$(cd "$d" 2>/dev/null && cd ../../../../../.. && ls -a | tr '\n' ' ')
		[ "$got" = "$want" ] || f="$f; cd $d/../../..: '$got'"
	done
	n=$(awk '$5 == "/"' /proc/self/mountinfo | wc -l)
	[ "$n" = 1 ] || f="$f; $n mounts at / (old root not detached)"
	verdict root-escape "$f" "marker unreachable by path, /proc/*/root, /proc/*/cwd or .."
}

a_proc_sys_write() {
	f=''
	v=$(cat /proc/sys/kernel/core_pattern)
	r=$(err sh -c 'printf "%s\n" "$1" >/proc/sys/kernel/core_pattern' - "$v")
	[ "$r" = succeeded ] && f="core_pattern written"
	h=$(cat /proc/sys/kernel/hostname)
	r2=$(err sh -c 'echo "$1" >/proc/sys/kernel/hostname' - "$h")
	[ "$r2" = succeeded ] && f="$f kernel/hostname written (not read-only)"
	v=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)
	if [ -n "$v" ]; then
		r3=$(err sh -c 'echo "$1" >/proc/sys/net/ipv4/ip_forward' - "$v")
		[ "$r3" = succeeded ] && f="$f net/ipv4/ip_forward written (not read-only)"
	fi
	verdict proc-sys-write "$f" "${r##*: }"
}

a_sys_write() {
	f=''
	m=$(cat /sys/class/net/lo/mtu 2>/dev/null)
	if [ -n "$m" ]; then
		r=$(err sh -c 'echo "$1" >/sys/class/net/lo/mtu' - "$m")
		[ "$r" = succeeded ] && f="/sys/class/net/lo/mtu written"
	else
		r="no /sys/class/net/lo"
	fi
	mkdir /sys/kernel/innit-probe 2>/dev/null && f="$f mkdir in /sys/kernel" &&
		rmdir /sys/kernel/innit-probe
	verdict sys-write "$f" "${r##*: }"
}

a_sysrq() {
	# 'h' only: the harmless help text, should the write ever get through.
	[ -e /proc/sysrq-trigger ] || { ok sysrq "absent in this kernel"; return; }
	r=$(err sh -c 'echo h >/proc/sysrq-trigger')
	[ "$r" = succeeded ] && f="wrote to /proc/sysrq-trigger" || f=''
	verdict sysrq "$f" "${r##*: }"
}

a_kcore() {
	n=$(head -c 4096 /proc/kcore 2>/dev/null | wc -c)
	[ "$n" -gt 0 ] && f="read $n bytes of /proc/kcore" || f=''
	verdict kcore "$f" "$([ -e /proc/kcore ] && echo "0 bytes" || echo absent)"
}

a_masked_paths() {
	f='' n=0
	for p in /proc/acpi /proc/asound /proc/kcore /proc/keys /proc/latency_stats \
		/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware; do
		[ -e "$p" ] || continue
		n=$((n + 1))
		if [ -d "$p" ]; then
			[ -z "$(ls -A "$p" 2>/dev/null)" ] || f="$f $p(lists $(ls -A "$p" | head -n 2 | tr '\n' ' '))"
		elif [ "$(head -c 64 "$p" 2>/dev/null | wc -c)" -gt 0 ]; then
			f="$f $p"
		fi
	done
	verdict masked-paths "${f:+not masked:$f}" "$n present, all empty"
}

a_readonly_paths() {
	f='' n=0
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		[ -e "$p" ] || continue
		n=$((n + 1))
		o=$(awk -v m="$p" '$5 == m {o = $6} END {print o}' /proc/self/mountinfo)
		case ,$o, in
		*,ro,*) ;;
		*) f="$f $p" ;;
		esac
	done
	verdict readonly-paths "${f:+not a read-only mount:$f}" "$n read-only mounts"
}

a_proc1_exe() {
	f=''
	r=$(err sh -c ': >>/proc/1/exe')
	[ "$r" = succeeded ] && f="/proc/1/exe opened for writing"
	head -c 4 /proc/1/exe >/dev/null 2>&1 && f="$f /proc/1/exe readable"
	l=$(readlink /proc/1/exe 2>/dev/null) && f="$f readlink /proc/1/exe = $l"
	verdict proc1-exe "$f" "write: ${r##*: }; read and readlink refused"
}

a_console() {
	f=''
	[ -e /dev/console ] && f="/dev/console exists"
	r=$(err sh -c ': </dev/tty')
	[ "$r" = succeeded ] && f="$f /dev/tty opened (a controlling terminal)"
	for t in /dev/tty[0-9]* /dev/ttyS* /dev/vcs* /dev/hvc* /dev/ttyAMA* /dev/kmsg /dev/mem; do
		[ -e "$t" ] && f="$f $t"
	done
	tty -s && f="$f stdin is a terminal"
	verdict console "$f" "/dev/tty: ${r##*: }"
}

a_kmsg() {
	# The kernel log (it holds the kernel command line): /dev/kmsg is absent (console),
	# syslog(2) is filtered (probe denied syslog), and /proc/kmsg must not even open.
	r=$(err sh -c 'exec 3</proc/kmsg')
	[ "$r" = succeeded ] && f="/proc/kmsg opened" || f=''
	verdict kmsg "$f" "${r##*: }"
}

a_log_injection() {
	# No ATTACK line: the suites check the console from outside (attack-log-injection). A
	# terminal escape (clear screen, set title) and a carriage return that would let the
	# line pass for innit's own on the operator's terminal.
	printf 'LOGINJ \033[2J\033]0;pwned\007\rinnit: bob exited with status 0\n'
}

a_dev_nodes() {
	f=''
	for e in $(ls -A /dev); do
		case $e in
		null | zero | full | random | urandom | tty | pts | ptmx | shm | fd | stdin | stdout | stderr) ;;
		*) f="$f /dev/$e" ;;
		esac
	done
	for e in $(ls -A /dev/pts); do [ "$e" = ptmx ] || f="$f /dev/pts/$e"; done
	b=$(find / -xdev -type b 2>/dev/null | head -n 3 | tr '\n' ' ')
	[ -n "$b" ] && f="$f block devices: $b"
	verdict dev-nodes "${f:+unexpected:$f}" "$(ls /dev | tr '\n' ' ')"
}

a_mknod() {
	f=''
	for d in /tmp /dev/shm /dev; do
		if mknod "$d/innit-sda" b 8 0 2>/dev/null; then
			f="$f mknod in $d"
			head -c 1 "$d/innit-sda" >/dev/null 2>&1 && f="$f (and it opens)"
			rm -f "$d/innit-sda"
		fi
	done
	r=$(err mknod /tmp/innit-sda b 8 0)
	verdict mknod "$f" "${r##*: }"
}

a_fds() {
	# Listed by a child (ls), so that no descriptor of the listing itself (a glob's directory,
	# a command substitution's pipe) is counted; fd 10 or so is the shell reading this script.
	# 0 must be the null device (1,3), 1 and 2 a pipe (log=console) or the null device.
	(ls -l /proc/$$/fd/) >/tmp/fds 2>&1
	f=''
	for n in $(awk '$(NF-1) == "->" {print $(NF-2)}' /tmp/fds); do
		t=$(awk -v n="$n" '$(NF-2) == n {print $NF}' /tmp/fds)
		dev=$(stat -L -c '%t:%T' /proc/$$/fd/$n 2>/dev/null)
		case $n:$t in
		0:*) [ -c /proc/$$/fd/0 ] && [ "$dev" = 1:3 ] || f="$f 0->$t" ;;
		[12]:pipe:*) ;;
		[12]:*) [ -c /proc/$$/fd/$n ] && [ "$dev" = 1:3 ] || f="$f $n->$t" ;;
		*:*/attack) ;;
		*) f="$f $n->$t" ;;
		esac
	done
	verdict fds "${f:+unexpected descriptors:$f}" \
		"$(awk '$(NF-1) == "->" {printf "%s->%s ", $(NF-2), $NF}' /tmp/fds)"
}

a_loopback() {
	f=''
	ip link show lo | grep -q '[<,]UP[,>]' || f="own lo is not up"
	mkdir -p /tmp/own && echo own-page >/tmp/own/index.html
	httpd -p 127.0.0.1:8081 -h /tmp/own
	sleep 0.2
	# (busybox 1.35's wget -T crashes: timeout(1) bounds it instead)
	[ "$(timeout 3 wget -q -O - http://127.0.0.1:8081/ 2>/dev/null)" = own-page ] ||
		f="$f control failed: own server on 8081 unreachable"
	o=$(timeout 3 wget -q -O - http://127.0.0.1:8080/ 2>/dev/null) &&
		f="$f reached the victim's 127.0.0.1:8080 ('$o')"
	if [ -n "${HOSTPORT:-}" ]; then
		o=$(timeout 3 wget -q -O - "http://127.0.0.1:$HOSTPORT/" 2>/dev/null) &&
			f="$f reached the host's 127.0.0.1:$HOSTPORT ('$o')"
	fi
	verdict loopback "$f" "own lo up and served; victim's (and host's) ports refused"
}

a_nnp() {
	f=''
	[ "$(status NoNewPrivs)" = 1 ] || f="NoNewPrivs: $(status NoNewPrivs)"
	[ "$(status Seccomp)" = 2 ] || f="$f Seccomp: $(status Seccomp)"
	verdict nnp "$f" "NoNewPrivs 1, Seccomp 2"
}

a_capbnd() {
	bnd=$(status CapBnd) inh=$(status CapInh) amb=$(status CapAmb) eff=$(status CapEff)
	f=''
	# sys_admin 21, sys_module 16, sys_rawio 17, sys_ptrace 19, sys_boot 22, net_admin 12,
	# sys_time 25, dac_read_search 2, syslog 34, mac_admin 33, perfmon 38, bpf 39
	for b in 21 16 17 19 22 12 25 2 34 33 38 39; do
		[ $(((0x$bnd >> b) & 1)) = 1 ] && f="$f bit $b in CapBnd"
	done
	[ $((0x$inh)) = 0 ] || f="$f CapInh $inh"
	[ $((0x$amb)) = 0 ] || f="$f CapAmb $amb"
	[ $((0x$eff & ~0x$bnd)) = 0 ] || f="$f CapEff $eff exceeds CapBnd"
	verdict capbnd "$f" "CapBnd $bnd"
}

a_hostname() {
	h=$(hostname)
	r=$(err hostname innit-hacked)
	f=''
	[ "$r" = succeeded ] && f="sethostname succeeded"
	[ "$(hostname)" = "$h" ] || f="$f hostname now $(hostname)"
	hostname "$h" 2>/dev/null
	verdict "$1" "$f" "${r##*: }"
}

a_root_write() {
	f=''
	r=$(err sh -c ': >>/bin/busybox')
	[ "$r" = succeeded ] && f="/bin/busybox (shared with other tenants) opened for writing"
	touch /innit-evil 2>/dev/null && f="$f created /innit-evil" && rm -f /innit-evil
	touch /bin/innit-evil 2>/dev/null && f="$f created /bin/innit-evil" && rm -f /bin/innit-evil
	chmod 0755 /bin/busybox 2>/dev/null && f="$f chmod /bin/busybox allowed"
	chown 0:0 /bin/busybox 2>/dev/null && f="$f chown /bin/busybox allowed"
	verdict root-write "$f" "${r##*: }"
}

a_umount_root() {
	o=$(unshare -m sh -c 'umount -l / 2>&1 && echo UNMOUNTED; ls -a / | tr "\n" " "')
	want=$(ls -a / | tr '\n' ' ')
	f=''
	case $o in *UNMOUNTED*) f="umount -l / succeeded" ;; esac
	case $o in *"$want") ;; *) f="$f / now shows: $o" ;; esac
	verdict umount-root "$f" "$(echo "$o" | head -n 1)"
}

a_umount_shell() {
	f=''
	for m in /proc/sys /proc/kcore /proc /sys /tmp /dev /dev/pts; do
		awk -v m=$m '$5 == m {f = 1} END {exit !f}' /proc/self/mountinfo || continue
		umount $m 2>/dev/null && f="$f umount $m"
		mount -o remount,rw $m 2>/dev/null && f="$f remount,rw $m"
	done
	verdict umount-shell "$f" "$(err umount /proc)"
}

a_cgroup() {
	mkdir -p /tmp/cg
	r=$(err mount -t cgroup2 none /tmp/cg)
	f=''
	[ "$r" = succeeded ] && f="mounted cgroup2 ($(ls /tmp/cg | wc -l) entries)" && umount /tmp/cg
	verdict cgroup-mount "$f" "${r##*: }"
}

a_admin_caps() {
	eff=$(status CapEff)
	f=''
	[ $(((0x$eff >> 21) & 1)) = 1 ] || f="no CAP_SYS_ADMIN: the attacks below prove nothing"
	[ $(((0x$eff >> 19) & 1)) = 1 ] || f="$f no CAP_SYS_PTRACE"
	verdict admin-caps-granted "$f" "CapEff $eff"
}

# ------------------------------------------------------------------------------------------
eve() {
	sleep "$DELAY" # the victim is up
	a_pids
	a_environ
	a_reaper_proc
	a_kernel_cmdline
	a_root_escape
	probe chroot chroot "$MARKER"
	a_proc_sys_write
	a_sys_write
	a_sysrq
	a_kcore
	a_masked_paths
	a_readonly_paths
	a_proc1_exe
	probe setns setns-reaper
	probe reaper-fds reaper-fds
	a_console
	a_kmsg
	a_log_injection
	a_dev_nodes
	probe tiocsti tiocsti
	a_mknod
	a_fds
	a_loopback
	a_nnp
	a_capbnd
	for g in kexec bpf keyctl perf userfaultfd open-by-handle modules reboot iopl syslog \
		clock admin-syscalls userns x32 i386; do
		probe denied "$g"
	done
	probe ipc ipc
	probe abstract abstract-socket
	a_hostname hostname
	a_root_write
	probe mounts nested-userns-umount userns
	probe newproc nested-userns-new-proc userns
	probe newsysfs nested-userns-new-sysfs userns
	echo "ATTACK-DONE eve"
}

mallory() {
	a_admin_caps
	a_umount_shell
	probe mounts umount-covers none
	probe mounts umount-covers-unshare mntns
	a_umount_root
	probe newproc new-proc none
	probe newsysfs new-sysfs none
	a_cgroup
	a_hostname hostname-admin
	probe ptrace ptrace-reaper
	probe reaper-fds reaper-fds-admin
	probe setns setns-reaper-admin
	probe chroot chroot-admin "$MARKER"
	echo "ATTACK-DONE mallory"
}

case ${1:-} in
victim) victim ;;
eve) eve ;;
mallory) mallory ;;
*)
	echo "usage: attack victim|eve|mallory (inside an innit tenant only)" >&2
	exit 2
	;;
esac
