#!/bin/sh
# tests/docs/check-man.sh - the manual page docs/innit.8 lints clean and documents every
# configuration key that `innit --keys` prints (the key table in init/conf_keys.c).
# Prints "PASS docs/NAME" or "FAIL docs/NAME: reason" per check; exits 1 if any failed.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$TOP/docs/innit.8
INNIT=$TOP/build/innit
failed=0

fail() {
	echo "FAIL docs/$1: $2"
	failed=1
}

if ! command -v mandoc >/dev/null 2>&1; then
	fail man-lint "mandoc is not installed"
	fail man-keys "mandoc is not installed"
	exit 1
fi
if [ ! -r "$MAN" ]; then
	fail man-lint "cannot read $MAN"
	fail man-keys "cannot read $MAN"
	exit 1
fi

# 1. Lint: mandoc must have nothing to say at warning level or above.
lint=$(mandoc -T lint -W warning "$MAN" 2>&1)
if [ $? -eq 0 ] && [ -z "$lint" ]; then
	echo "PASS docs/man-lint"
else
	fail man-lint "$(printf '%s' "${lint:-mandoc failed}" | head -n 3 | tr '\n' ' ')"
fi

# 2. Keys: every key of the table appears in the rendered page.
if [ ! -x "$INNIT" ]; then
	make -C "$TOP" build/innit >/dev/null 2>&1
fi
if [ ! -x "$INNIT" ]; then
	fail man-keys "build/innit missing and make failed"
	exit 1
fi
keys=$("$INNIT" --keys 2>/dev/null | cut -f1)
if [ -z "$keys" ]; then
	fail man-keys "innit --keys printed nothing"
	exit 1
fi
# Rendered text without overstrike, on lines wide enough that no key is broken at a hyphen.
text=$(mandoc -T utf8 -O width=500 "$MAN" 2>/dev/null | col -b)

missing=
for k in $keys; do
	case $k in
	tenant.NAME.*.X) k=${k#tenant.NAME.} k=${k%X} ;; # env.X -> "env.", rlimit.X -> "rlimit."
	tenant.NAME.*) k=${k#tenant.NAME.} ;;
	esac
	# A key counts as documented where it is followed by "=" (its entry) or, for map
	# keys ending in ".", by a sub-name.
	case $k in
	*.) printf '%s\n' "$text" | grep -qF -- "$k" || missing="$missing $k" ;;
	*) printf '%s\n' "$text" | grep -qF -- "$k=" || missing="$missing $k" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "PASS docs/man-keys"
else
	fail man-keys "missing$missing"
fi

exit $failed
