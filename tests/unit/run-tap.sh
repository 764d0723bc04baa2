#!/bin/sh
# Run cmocka test binaries with TAP output and print the project's
# "PASS: name" / "FAIL: name" line per test case, then a closing
# "unit: N passed, N failed".  Exit 1 if any case failed or a binary
# crashed or exited non-zero.  Usage: run-tap.sh LOGDIR BINARY...
# Each binary's full output (failure details, sanitizer reports) is kept
# in LOGDIR/NAME.log and shown when that binary fails.
logdir=$1
shift
if [ -z "$logdir" ] || [ $# -eq 0 ]; then
	echo "usage: $0 LOGDIR BINARY..." >&2
	exit 2
fi
mkdir -p "$logdir" || exit 2

passed=0
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	log=$logdir/$name.log
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	awk -v bin="$name" '
		/^1\.\.[0-9]+$/     { plan = substr($0, 4) + 0; next }
		/^ok [0-9]+ - /     { sub(/^ok [0-9]+ - /, "");
				      print "PASS: " bin "/" $0; p++; next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, "");
				      print "FAIL: " bin "/" $0; f++; next }
		END { printf "#counts %d %d %d\n", p, f, plan }
	' "$log" >"$log.pf"
	grep -v '^#counts ' "$log.pf"
	read -r p f plan <<-EOF
	$(sed -n 's/^#counts //p' "$log.pf")
	EOF
	rm -f "$log.pf"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] || [ $((p + f)) -lt "$plan" ]; then
		# crashed (sanitizer abort) or stopped before the end
		echo "FAIL: $bin (exit $rc after $((p + f)) of $plan cases)"
		failed=$((failed + 1))
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		echo "---- $log ----"
		cat "$log"
		echo "----"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
