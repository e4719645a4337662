#!/bin/sh
# Style and static analysis as tests: clang-format, cppcheck and gcc -fanalyzer, clean.
SUITE=lint
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
out=$WORK/lint.out

clang-format --dry-run --Werror init/*.c init/*.h tools/*.c tests/unit/*.c tests/attack/*.c >"$out" 2>&1
check clang-format "$out" "clang-format --dry-run reports differences"

cppcheck -q --enable=warning,style,portability --error-exitcode=1 --inline-suppr \
	--suppress=missingIncludeSystem -D__x86_64__ -Iinit init tools >"$out" 2>&1
check cppcheck "$out" "cppcheck reports problems"

# -fanalyzer with the host gcc and its own headers (musl-gcc lacks the plugin setup).
gcc -std=c11 -D_GNU_SOURCE -fanalyzer -fsyntax-only -Wall -Wextra -Werror \
	-Wno-missing-field-initializers init/*.c >"$out" 2>&1
check gcc-analyzer "$out" "gcc -fanalyzer reports problems"
