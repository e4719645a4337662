#!/bin/sh
# Host attack suite: hostile tenants against the isolation contract (SPEC section 4, see
# docs/security.md). innit runs as PID 1 of a fresh PID namespace (test mode); every attack
# runs inside a tenant, never on the host itself.
#
#   bob      the victim: a secret in his environment, a web server on his 127.0.0.1:8080,
#            SysV IPC objects, an abstract socket, a "sleep 7361"
#   eve      default capabilities: tests/attack/attack.sh eve (one ATTACK line per attack)
#   mallory  caps=+sys_admin,+sys_ptrace: tests/attack/attack.sh mallory
#   shell    the operator, host side: a web server on the host's loopback, a `ps` of every
#            tenant process (host uids), then power-off once both attackers are done
# Then hostile images (symlinked mount targets), overlay and volume attacks, keyrings.
SUITE=host
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/attack/lib.sh"
make_rootfs
R=$ROOTFS
build_probe
cp "$ATT/attack.sh" "$R/bin/attack" && chmod 0755 "$R/bin/attack"
rm -f "$R/bin/probe"
[ -x "$PROBE" ] && cp "$PROBE" "$R/bin/probe"

# Host state the attacks must leave alone.
tag=$$-$(date +%s%N | tail -c 7)
marker=$WORK/host-marker
echo "HOST-MARKER-$tag" >"$marker"
host_before="$(cat /proc/sys/kernel/core_pattern) $(hostname) $(sha256sum <"$R/bin/busybox")"
port=$((20000 + $$ % 20000))
mkdir -p "$WORK/attack-www" && echo host-page >"$WORK/attack-www/index.html"
rm -f "$WORK/attack-ps.txt"

cat >"$WORK/attack-shell.sh" <<EOF
# The operator's side of the attack run (host namespaces, host root).
/bin/busybox httpd -f -vv -p 127.0.0.1:$port -h $WORK/attack-www &
# Every 0.1 s a ps into attack-ps.txt, until the attackers have come and gone.
: >$WORK/attack-ps.txt
i=0 seen=0
while /bin/busybox ps -o pid,user,args >$WORK/attack-ps.now; do
	cat $WORK/attack-ps.now >>$WORK/attack-ps.txt
	if grep -qE '[a]ttack (eve|mallory)' $WORK/attack-ps.now; then
		# Once: does any reaper's memory still hold bob's secret (from PID 1's)?
		[ \$seen = 1 ] || for p in \$(awk '\$1 != 1 && \$3 == "innit" && NF == 3 {print \$1}' $WORK/attack-ps.now); do
			$PROBE memscan \$p S3CR3T-VALUE-$tag
		done
		seen=1
	elif [ \$seen = 1 ]; then
		break
	fi
	i=\$((i + 1)); [ \$i -gt 150 ] && break; /bin/busybox sleep 0.1
done
kill -USR2 1
/bin/busybox sleep 5
EOF

out=$WORK/attack.out
run_innit "$out" "" "
shell=/bin/busybox sh $WORK/attack-shell.sh
tenant.bob.root=$R
tenant.bob.exec=/bin/attack victim
tenant.bob.env.SECRET=S3CR3T-VALUE-$tag
tenant.bob.hostname=bobhost
tenant.eve.root=$R
tenant.eve.after=bob
tenant.eve.restart=no
tenant.eve.exec=/bin/attack eve
tenant.eve.env.MARKER=$marker
tenant.eve.env.MARKRE=HOST[-]MARKER[-]$tag
tenant.eve.env.HOSTPORT=$port
tenant.eve.env.DELAY=0.3
tenant.mallory.root=$R
tenant.mallory.after=bob
tenant.mallory.restart=no
tenant.mallory.caps=+sys_admin,+sys_ptrace
tenant.mallory.exec=/bin/attack mallory
tenant.mallory.env.MARKER=$marker
tenant.mallory.env.MARKRE=HOST[-]MARKER[-]$tag"
rc=$?
[ $rc -eq 0 ] && grep -q '^eve| ATTACK-DONE eve' "$out" && grep -q '^mallory| ATTACK-DONE mallory' "$out"
check attack-run "$out" "both attack scripts ran to the end and innit powered off (status $rc)"
report_attacks "$out"

# --- host-side checks of the same run ---------------------------------------------------------
# Every process of a tenant runs as a host uid of its tenant's range, never host root. Not
# counted: the host's own (PID 1, the operator's /bin/busybox commands) and the reapers (shown
# as "innit"; or, caught in the first instants after clone, still under innit's full command
# line while they set the tenant up as host root), which are innit's code, not the tenant's
# (docs/security.md).
sort -u "$WORK/attack-ps.txt" | awk '$1 ~ /^[0-9]+$/ && $1 != 1 && $3 != "/bin/busybox" {
	if (($3 == "innit" && NF == 3) || $3 ~ /\/innit$/) { reaper[$2] = 1; next }
	seen[$1] = 1; if ($2 ~ /^[0-9]+$/ && $2 >= 65536) good[$1] = 1; else who[$1] = $0 }
     END { for (p in seen) { n++; if (!good[p]) { bad = 1; print "not a tenant uid: " who[p] } }
	   for (u in reaper) r = r " " u
	   print n " tenant processes seen; reapers ran as:" r; exit !(n >= 4 && !bad) }' >"$WORK/attack-uid.txt"
check attack-uid "$WORK/attack-uid.txt" "tenant processes (attackers, victim) run as host uids >= 65536, never host root"

awk '/^bob\| VICTIM ready/ {r = 1} /^bob\| VICTIM ipc shm=1 msg=1 sem=1 abstract=1/ {i = 1}
	/^eve\| ATTACK (pids|environ) / && !(r && i) {early = 1}
	END {exit !(r && i && !early)}' "$out"
check attack-victim-ready "$out" "the victim had its server, IPC objects and socket up before eve attacked"

! grep -Eq '^(bob\| )?[0-9.]+:[0-9]+: url:|abstract socket connection' "$out" &&
	awk '/^innit: SIGUSR2: poweroff/ {p=1} /^innit: bob (exited|killed)/ && !p {bad=1} END {exit bad}' "$out"
check attack-victim-untouched "$out" "no request from eve reached bob or the host; bob lived until shutdown"

# Host side, as root: no reaper's memory (a copy of PID 1's) holds bob's secret any more.
# (A reaper that has already exited when its turn comes reports an error, not counted.)
[ "$(grep -c '^MEMSCAN [0-9]* clean' "$out")" -ge 2 ] && ! grep -q '^MEMSCAN [0-9]* found' "$out"
check attack-reaper-memory "$out" "the reapers' memory no longer holds any tenant's configuration (bob's env.SECRET)"

# Eve's output reaches the operator's console with its prefix, and with no terminal control
# byte of hers: no escape sequence, no bell, no carriage return to overwrite the prefix.
grep -aq '^eve| LOGINJ' "$out" && ! grep -a 'LOGINJ' "$out" | grep -aq "$(printf '[\033\007\r]')"
check attack-log-injection "$out" "a tenant's ESC, BEL and CR bytes do not reach the console raw"

host_after="$(cat /proc/sys/kernel/core_pattern) $(hostname) $(sha256sum <"$R/bin/busybox")"
[ "$host_after" = "$host_before" ] && grep -q "^HOST-MARKER-$tag\$" "$marker" &&
	[ ! -e "$R/innit-evil" ] && [ ! -e "$R/bin/innit-evil" ]
check attack-host-unchanged "$out" "host core_pattern, hostname, marker and the shared image unchanged"

# --- hostile images: symlinked mount targets ---------------------------------------------------
# Each image has one mount target replaced by a symlink out of its root; innit must refuse
# the tenant (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS), never mount through the link.
target=$WORK/hostile-target
rm -rf "$target" && mkdir -p "$target"
hostile() { # NAME DIR LINK-TARGET
	img=$WORK/hostile-$1
	rm -rf "$img" && mkdir -p "$img/bin" "$img/proc" "$img/sys" "$img/tmp" "$img/dev"
	ln "$R/bin/busybox" "$img/bin/busybox" 2>/dev/null || cp "$R/bin/busybox" "$img/bin/"
	ln -s busybox "$img/bin/sh"
	rmdir "$img/$2" && ln -s "$3" "$img/$2"
	printf 'tenant.%s.root=%s\ntenant.%s.restart=no\ntenant.%s.exec=/bin/sh -c "echo started"\n' \
		"$1" "$img" "$1" "$1"
}
conf="$(hostile tmpabs tmp /)
$(hostile tmprel tmp ../../../..)
$(hostile devlink dev /dev)
$(hostile syslink sys /)
$(hostile prochost proc "$target")
tenant.done.root=$R
tenant.done.restart=no
tenant.done.exec=/bin/sleep 0.5"
run_innit "$WORK/hostile.out" "innit.exit=done" "$conf"
for t in tmpabs:tmp tmprel:tmp devlink:dev syslink:sys prochost:proc; do
	n=${t%%:*} d=${t#*:}
	grep -q "innit: $n: open mount target $d: " "$WORK/hostile.out" &&
		! grep -q "^$n| started" "$WORK/hostile.out" && [ -z "$(ls -A "$target")" ]
	check "attack-hostile-$n" "$WORK/hostile.out" "image whose /$d is a symlink out of its root: refused"
done

# --- id maps an admin might get wrong: host uid 0, or another tenant's range ------------------
run_innit "$WORK/uidmap.out" "innit.exit=t" "
tenant.t.root=$R
tenant.t.restart=no
tenant.t.exec=/bin/sleep 0.3
tenant.z.root=$R
tenant.z.uidmap=0:65536
tenant.z.exec=/bin/sh -c 'echo started'
tenant.o.root=$R
tenant.o.uidmap=100000:10
tenant.o.exec=/bin/sh -c 'echo started'"
grep -q 'tenant.z.uidmap: mapping includes host uid 0' "$WORK/uidmap.out" &&
	grep -q 'tenant.o.uidmap: overlaps tenant t' "$WORK/uidmap.out" &&
	! grep -q '^[zo]| started' "$WORK/uidmap.out"
check attack-uidmap-refused "$WORK/uidmap.out" "uidmap with host uid 0, or overlapping another tenant's ids: refused"

# --- overlay=yes: two tenants on one base; writes stay private --------------------------------
rm -f "$R/innit-overlay-a"
run_innit "$WORK/overlay.out" "innit.exit=b" "
tenant.a.root=$R
tenant.a.overlay=yes
tenant.a.exec=/bin/sh -c 'echo a-data >/innit-overlay-a && echo A-WROTE; (: >>/bin/busybox) 2>/dev/null && echo A-OPENED; exec sleep 30'
tenant.b.root=$R
tenant.b.overlay=yes
tenant.b.after=a
tenant.b.restart=no
tenant.b.exec=/bin/sh -c 'sleep 0.3; cat /innit-overlay-a 2>&1; ls / | tr \"\\n\" \" \"'"
grep -q '^a| A-WROTE' "$WORK/overlay.out" && ! grep -q '^b|.*a-data' "$WORK/overlay.out" &&
	! grep -q '^b|.*innit-overlay-a ' "$WORK/overlay.out" && [ ! -e "$R/innit-overlay-a" ] &&
	[ "$(sha256sum <"$R/bin/busybox")" = "$(sha256sum </bin/busybox)" ]
check attack-overlay-private "$WORK/overlay.out" "a's writes land in its own upper layer: b and the host base never see them"

# --- volume=HOST:PATH:ro: no write, no remount, no unmount, even with CAP_SYS_ADMIN ------------
vol=$WORK/attack-vol
rm -rf "$vol" && mkdir -p "$vol" && echo vol-data >"$vol/file" && ln -s / "$vol/escape"
run_innit "$WORK/volume.out" "innit.exit=m" "
tenant.m.root=$R
tenant.m.restart=no
tenant.m.caps=+sys_admin
tenant.m.volume=$vol:/root:ro
tenant.m.exec=/bin/sh -c 'cat /root/file; touch /root/new 2>&1; echo x >>/root/file 2>&1; mount -o remount,rw /root && echo REMOUNTED; mount -o remount,bind,rw /root && echo REMOUNTED; umount /root && echo UNMOUNTED; umount -l /root && echo UNMOUNTED; unshare -m sh -c \"umount -l /root && echo UNMOUNTED; mount -o remount,bind,rw /root && echo REMOUNTED\"; cat /root/escape$marker 2>&1 | head -n 1; exit 0'"
grep -q '^m| vol-data' "$WORK/volume.out" && ! grep -q 'REMOUNTED\|UNMOUNTED' "$WORK/volume.out" &&
	! grep -q "HOST-MARKER-$tag" "$WORK/volume.out" && [ "$(ls -A "$vol" | tr '\n' ' ')" = "escape file " ] &&
	[ "$(cat "$vol/file")" = vol-data ]
check attack-volume-ro "$WORK/volume.out" "read-only volume: readable, not writable, not remountable or unmountable; its symlinks stay inside"

# A volume whose target in the image is a symlink to a host directory: refused.
img=$WORK/hostile-voltarget
rm -rf "$img" && cp -a "$R" "$img" && rm -rf "$img/data" && ln -s "$target" "$img/data"
run_innit "$WORK/voltarget.out" "innit.exit=v" "
tenant.v.root=$img
tenant.v.restart=no
tenant.v.volume=$vol:/data
tenant.v.exec=/bin/sh -c 'echo started'"
grep -q 'innit: v: open mount target' "$WORK/voltarget.out" &&
	! grep -q '^v| started' "$WORK/voltarget.out" && [ -z "$(ls -A "$target")" ]
check attack-volume-symlink-target "$WORK/voltarget.out" "a volume target that is a symlink in the image is refused"

# --- session keyrings: one per tenant, not the host's (seccomp=off lets keyctl through) --------
run_innit "$WORK/keyring.out" "innit.exit=k2" "
shell=$PROBE keyring
tenant.k1.root=$R
tenant.k1.seccomp=off
tenant.k1.exec=/bin/sh -c '/bin/probe keyring; exec sleep 30'
tenant.k2.root=$R
tenant.k2.seccomp=off
tenant.k2.after=k1
tenant.k2.restart=no
tenant.k2.exec=/bin/sh -c 'sleep 0.2; /bin/probe keyring'"
ids=$(grep -o 'KEYRING [0-9-]*' "$WORK/keyring.out" | sort -u | awk '$2 > 0' | wc -l)
[ "$ids" = 3 ] && grep -q '^k1| KEYRING [1-9]' "$WORK/keyring.out" && grep -q '^k2| KEYRING [1-9]' "$WORK/keyring.out"
check attack-session-keyring "$WORK/keyring.out" "each tenant has its own session keyring, not the host's ($ids distinct of 3)"
