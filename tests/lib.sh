# tests/lib.sh - helpers shared by the host and VM suites (POSIX sh, sourced).
# Each test case prints exactly one line: "PASS suite/name" or "FAIL suite/name: reason".

TOP=$(cd "$(dirname "$0")/../.." && pwd)
INNIT=$TOP/build/innit
WORK=${WORK:-$TOP/build/test}
mkdir -p "$WORK"

pass() { echo "PASS $SUITE/$1"; }
fail() {
	echo "FAIL $SUITE/$1: $2"
	if [ -n "${3:-}" ] && [ -f "$3" ]; then sed 's/^/    | /' "$3" | tail -n 25; fi
}

# check NAME FILE CONDITION-DESCRIPTION: passes when the previous command succeeded.
# Usage: grep -q x out; check name out "what was expected"
check() {
	if [ "$?" -eq 0 ]; then pass "$1"; else fail "$1" "$3" "$2"; fi
}

# A tenant root with busybox, built once (no root needed beyond what the tests run as).
ROOTFS=$TOP/build/test-root
make_rootfs() {
	[ -x "$ROOTFS/bin/busybox" ] && return 0
	rm -rf "$ROOTFS"
	mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/tmp" "$ROOTFS/dev" \
		"$ROOTFS/etc" "$ROOTFS/root"
	cp /bin/busybox "$ROOTFS/bin/busybox"
	for a in $("$ROOTFS/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$ROOTFS/bin/$a"
	done
}

# run_innit OUT CMDLINE [CONF-TEXT]: innit as PID 1 of a fresh PID namespace in test mode,
# all output in OUT; returns innit's exit status. Bounded by a 30 s timeout.
run_innit() {
	out=$1 cmdline=$2
	conf=$WORK/$(basename "$out").conf
	printf '%s\n' "${3:-}" >"$conf"
	timeout -k 5 30 unshare -pf --mount-proc "$INNIT" --cmdline "$cmdline" --conf "$conf" \
		>"$out" 2>&1
}

# vm_boot OUT QEMU-RUN-ARGS...: boots the real initramfs; QEMU's exit status, console in OUT.
vm_boot() {
	out=$1
	shift
	timeout -k 5 150 "$TOP/qemu/run" -t 140 "$@" </dev/null >"$out" 2>&1
}

# An ext4 image whose root directory belongs to the first tenant's host uid range.
make_disk() {
	rm -f "$1"
	truncate -s 64M "$1" && mkfs.ext4 -q -F -E root_owner=65536:65536 "$1"
}

# The serial console ends lines with \r\n: anchor VM patterns with "$CR?$".
CR=$(printf '\r')
