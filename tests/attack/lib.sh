# tests/attack/lib.sh - shared by tests/host/attack.sh and tests/vm/attack.sh (sourced after
# tests/lib.sh): builds the probe and turns the tenants' ATTACK lines into PASS/FAIL lines.
ATT=$TOP/tests/attack
PROBE=$WORK/probe

# build_probe: the static C helper (tests/attack/probe.c); on failure the attacks that need
# it report "probe missing" and fail.
build_probe() {
	[ -x "$PROBE" ] && [ "$PROBE" -nt "$ATT/probe.c" ] && return 0
	[ -e "$TOP/build/uapi/.stamp" ] || make -C "$TOP" -s build/uapi/.stamp >/dev/null
	${MUSLCC:-musl-gcc} -static -Os -s -Wall -Wextra -isystem "$TOP/build/uapi" \
		-o "$PROBE.tmp" "$ATT/probe.c" && mv "$PROBE.tmp" "$PROBE"
}

# report_attacks OUT: one PASS/FAIL line per name in tests/attack/names, from the lines
# "ROLE| ATTACK NAME ok..." or "ROLE| ATTACK NAME BROKEN ..." in OUT (innit's output or a
# console log). A name without a line is a failure (the script died or never ran), and so
# is a line whose name is not in the list.
report_attacks() {
	grep -v '^#' "$ATT/names" | while read -r role name; do
		[ -n "$name" ] || continue
		line=$(grep -a -m1 "^$role| ATTACK $name " "$1" | tr -d '\r')
		case $line in
		*" ATTACK $name ok") pass "attack-$name" ;;
		*" ATTACK $name ok: "*) pass "attack-$name" ;;
		*" ATTACK $name BROKEN "*) fail "attack-$name" "${line#*" BROKEN "}" ;;
		*) fail "attack-$name" "no result from $role (its attack script stopped early?)" "$1" ;;
		esac
	done
	grep -a -o '^[a-z0-9-]*| ATTACK [^ ]*' "$1" | while read -r role _ name; do
		grep -q "^${role%|} $name\$" "$ATT/names" ||
			fail "attack-$name" "ATTACK line from ${role%|} not listed in tests/attack/names"
	done
}
