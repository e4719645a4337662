#!/bin/sh
# VM tests: the real initramfs (demo config: alice, bob, eve) on the guest kernel in QEMU.
# KERNEL=/boot/vmlinuz-... runs them on another kernel (e.g. Debian's stock one).
# Few boots, each short: every boot checks several things.
SUITE=vm
. "$(dirname "$0")/../lib.sh"


# --- 1. The lesson's exercise, and the exit status through isa-debug-exit ----------------------
# eve tries to kill every pid; she exits 42 only if she hit nothing. QEMU must then exit with
# (42 << 1) | 1 = 85, and alice and bob must still be running when eve is done.
eve="/bin/sh -c 'sleep 0.5; n=0; for p in \$(seq 2 300); do [ \$p = \$\$ ] && continue; kill -9 \$p 2>/dev/null && n=\$((n+1)); done; echo hit \$n; [ \$n = 0 ] && exit 42; exit 1'"
vm_boot "$WORK/vm-lesson.out" -a "innit.exit=eve innit.exit-port=0xf4 innit.tenant.eve.restart=no" \
	-a "innit.tenant.eve.exec=\"$eve\""
rc=$?
[ $rc -eq 85 ] && grep -q 'innit: eve exited with status 42' "$WORK/vm-lesson.out"
check exit-port "$WORK/vm-lesson.out" "QEMU exits with (42 << 1) | 1 = 85 (got $rc)"
grep -q 'eve| hit 0' "$WORK/vm-lesson.out" &&
	awk '/eve exited with status/ {e=1} e && /alice killed by signal 15/ {a=1} e && /bob killed by signal 15/ {b=1}
	     !e && /(alice|bob) (exited|killed)/ {bad=1} END {exit !(a && b && !bad)}' "$WORK/vm-lesson.out"
check lesson-kill "$WORK/vm-lesson.out" "eve's kill -9 of every pid hits nothing; alice and bob live on"
grep -q 'alice| I am alice' "$WORK/vm-lesson.out" && grep -q 'bob| I am bob' "$WORK/vm-lesson.out"
check demo-tenants "$WORK/vm-lesson.out" "the demo tenants start and print who they are"

# --- 2. busybox poweroff from the operator shell: a real ACPI power-off ----------------------
vm_boot "$WORK/vm-poweroff.out" -a "innit.shell=\"/bin/sh -c 'sleep 1; poweroff'\""
rc=$?
# ... and quickly: the shutdown itself (tenants' SIGTERM, sync, unmount) takes < 1 s.
[ $rc -eq 0 ] && grep -q 'innit: SIGUSR2: poweroff' "$WORK/vm-poweroff.out" &&
	awk '/innit: poweroff after [0-9]+ ms/ { ms = $4 } END { exit !(ms != "" && ms < 1000) }' \
		"$WORK/vm-poweroff.out"
check poweroff "$WORK/vm-poweroff.out" "busybox poweroff stops the machine, QEMU exits 0 (got $rc)"

# --- 3. busybox reboot: QEMU runs with -no-reboot, so a reboot ends it too ---------------------
vm_boot "$WORK/vm-reboot.out" -a "innit.shell=\"/bin/sh -c 'sleep 1; reboot'\""
rc=$?
[ $rc -eq 0 ] && grep -q 'innit: SIGTERM: reboot' "$WORK/vm-reboot.out" &&
	grep -q 'innit: reboot after' "$WORK/vm-reboot.out"
check reboot "$WORK/vm-reboot.out" "busybox reboot restarts the machine (got $rc)"
