#!/bin/sh
# VM attack suite: the same hostile tenants as tests/host/attack.sh (tests/attack/attack.sh),
# on the real initramfs and guest kernel, in ONE boot. The attack script, the probe and the
# operator's script ride in a second cpio archive appended to build/initramfs.cpio.gz (the
# kernel unpacks concatenated archives in order), so the demo image itself carries no test
# tools.
#
#   bob      the demo's bob as the victim (env.SECRET on the kernel command line)
#   eve      the demo's eve, now tests/attack/attack.sh eve (default capabilities)
#   mallory  an extra tenant with caps=+sys_admin,+sys_ptrace
#   alice    the demo's alice, untouched
#   shell    tests/attack/vm-shell.sh on the host side
SUITE=vm
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/attack/lib.sh"
build_probe
# vm_boot comes with tests/lib.sh; this is the same, should it not.
command -v vm_boot >/dev/null 2>&1 || vm_boot() {
	out=$1
	shift
	timeout -k 5 150 "$TOP/qemu/run" -t 140 "$@" </dev/null >"$out" 2>&1
}

initrd=$WORK/attack-initramfs.cpio.gz
list=$WORK/attack.list
cat >"$list" <<EOL
file /srv/base/bin/attack tests/attack/attack.sh 0755 0 0
file /srv/base/bin/probe $PROBE 0755 0 0
file /etc/attack-shell tests/attack/vm-shell.sh 0755 0 0
file /etc/innit.conf $WORK/attack-innit.conf 0644 0 0
EOL
# The demo's configuration, plus a second secret of bob's, this one in the file (a later
# archive's file replaces an earlier one's).
{ cat "$TOP/initramfs/innit.conf" && echo "tenant.bob.env.FILESECRET=S3CR3T-VALUE-file"; } \
	>"$WORK/attack-innit.conf"
out=$WORK/vm-attack.out
if ! { [ -x "$PROBE" ] && [ -x "$TOP/build/mkcpio" ] && [ -r "$TOP/build/initramfs.cpio.gz" ] &&
	(cd "$TOP" && build/mkcpio "$list") >"$WORK/attack-extra.cpio" &&
	{ cat "$TOP/build/initramfs.cpio.gz" && gzip -n -9 <"$WORK/attack-extra.cpio"; } >"$initrd"; }; then
	echo "cannot build $initrd (make initramfs? musl-gcc?)" >"$out"
	false
	check attack-boot "$out" "attack initramfs built"
	exit 1
fi

vm_boot "$out" -i "$initrd" \
	-a "innit.shell=\"/bin/sh /etc/attack-shell\"" \
	-a "innit.tenant.bob.exec=\"/bin/attack victim\" innit.tenant.bob.env.SECRET=S3CR3T-VALUE-vm" \
	-a "innit.tenant.eve.exec=\"/bin/attack eve\" innit.tenant.eve.restart=no" \
	-a "innit.tenant.eve.env.HOSTPORT=8082 innit.tenant.eve.env.DELAY=2" \
	-a "innit.tenant.mallory.root=/srv/base innit.tenant.mallory.after=bob" \
	-a "innit.tenant.mallory.restart=no innit.tenant.mallory.caps=+sys_admin,+sys_ptrace" \
	-a "innit.tenant.mallory.exec=\"/bin/attack mallory\""
rc=$?
# Eve's output reaches the operator's console with its prefix, and with no terminal control
# byte of hers: no escape sequence, no bell, no carriage return (but the serial line's own
# CR before each LF) to overwrite the prefix.
grep -aq '^eve| LOGINJ' "$out" &&
	! grep -a 'LOGINJ' "$out" | sed 's/\r$//' | grep -aq "$(printf '[\033\007\r]')"
check attack-log-injection "$out" "a tenant's ESC, BEL and CR bytes do not reach the console raw"
tr -d '\r' <"$out" >"$out.txt"
out=$out.txt
[ $rc -eq 0 ] && grep -q '^eve| ATTACK-DONE eve' "$out" && grep -q '^mallory| ATTACK-DONE mallory' "$out" &&
	grep -q 'innit: poweroff after' "$out"
check attack-run "$out" "both attack scripts ran to the end and the machine powered off (QEMU status $rc)"
report_attacks "$out"

# Host side, from the operator's ps: every process of a tenant runs as a host uid of its
# tenant's range, never host root (the reapers, "{init} innit", are innit's, not counted).
sed -n 's/^PS //p' "$out" | awk '$NF == "innit" { reaper[$2] = 1; next }
	/\/bin\/attack|\/bin\/probe|sleep (7361|1000000)|httpd -f -vv -p 8080/ {
	seen[$1] = 1; if ($2 ~ /^[0-9]+$/ && $2 >= 65536) good[$1] = 1; else who[$1] = $0 }
     END { for (p in seen) { n++; if (!good[p]) { bad = 1; print "not a tenant uid: " who[p] } }
	   for (u in reaper) r = r " " u
	   print n " tenant processes seen; reapers ran as:" r; exit !(n >= 4 && !bad) }' >"$WORK/vm-attack-uid.txt"
check attack-uid "$WORK/vm-attack-uid.txt" "tenant processes (attackers, victim, alice) run as host uids >= 65536, never host root"
awk '/^bob\| VICTIM ready/ {r = 1} /^bob\| VICTIM ipc shm=1 msg=1 sem=1 abstract=1/ {i = 1}
	/^eve\| ATTACK (pids|environ) / && !(r && i) {early = 1}
	END {exit !(r && i && !early)}' "$out"
check attack-victim-ready "$out" "the victim had its server, IPC objects and socket up before eve attacked"
! grep -Eq '^(bob\| )?[0-9.]+:[0-9]+: url:|abstract socket connection' "$out" &&
	awk '/^innit: SIGUSR2: poweroff/ {p=1} /^innit: (bob|alice) (exited|killed)/ && !p {bad=1} END {exit bad}' "$out"
check attack-victim-untouched "$out" "no request from eve reached bob or the host; bob and alice lived until shutdown"
[ "$(grep -c '^MEMSCAN [0-9]* clean' "$out")" -ge 2 ] && ! grep -q '^MEMSCAN [0-9]* found' "$out"
check attack-reaper-memory "$out" "the reapers' memory no longer holds any tenant's configuration (bob's env.SECRET)"
grep -q '^HOST unchanged' "$out"
check attack-host-unchanged "$out" "the host's core_pattern and hostname unchanged"
