# The seams of docs/ARCHITECTURE.md as checks on the source, shared by
# `make lint` (tests/lint) and `make check` (tests/interop/t_seams). Each
# check takes the files to read, prints what breaks the rule, one line
# each, and returns 1 when something does.

# The server's own C files: every layer and the entry point.
SEAM_SRC="transport/*.[ch] kex/*.[ch] services/*.[ch] config/*.[ch] monitor/*.[ch] privsep/*.[ch] sshd-lite.c wiring.[ch]"

# include_rule FILES FORBIDDEN [ALLOWED]: no file of FILES includes a path
# that FORBIDDEN matches, unless ALLOWED matches the line (grep -E).
include_rule() {
	local hits
	hits=$(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./)*('"$2"')' $1 | grep -vE "${3:-^$}")
	[ -z "$hits" ] || { echo "$hits"; return 1; }
}

# The layers: transport/ and kex/ include nothing from services/, transport/
# reaches kex/ only through kex/kex.h, config/ includes nothing from kex/ or
# services/ and of transport/ only the name-list helpers, and only the entry
# point (sshd-lite.c, wiring.c) includes monitor/ or privsep/, and the
# sandbox (privsep/sandbox*) takes only from transport/ and config/. DIR (default .) is
# where the layers' directories are.
layer_rules() {
	local d=${1:-.} rc=0 out
	rule() { # what, files, forbidden, allowed
		if ! out=$(include_rule "$2" "$3" "${4:-}"); then
			echo "layers: $1:"; echo "$out" | sed 's/^/  /'; rc=1
		fi
	}
	rule "transport/ and kex/ include nothing from services/" "$d/transport/*.[ch] $d/kex/*.[ch]" 'services/'
	rule "transport/ reaches kex/ only through kex/kex.h" "$d/transport/*.[ch]" 'kex/' '"kex/kex\.h"'
	rule "config/ includes nothing from kex/ or services/" "$d/config/*.[ch]" 'kex/|services/'
	rule "config/ takes from transport/ only the name-list helpers" "$d/config/*.[ch]" 'transport/' \
		'"transport/namelist\.h"'
	rule "only the entry point includes monitor/" "$d/transport/*.[ch] $d/kex/*.[ch] $d/services/*.[ch] $d/config/*.[ch]" \
		'monitor/'
	rule "the sandbox includes only privsep/, transport/ and config/" "$d/privsep/sandbox*.[ch]" \
		'kex/|services/|monitor/'
	rule "only the entry point includes privsep/" \
		"$d/transport/*.[ch] $d/kex/*.[ch] $d/services/*.[ch] $d/config/*.[ch] $d/monitor/*.[ch]" 'privsep/'
	return $rc
}

# long_functions MAX FILES: the functions of more than MAX lines, header
# to closing brace. The code's style opens and closes a function's body in
# column 0 and nothing else there, which is what this reads.
long_functions() {
	local max=$1 f rc=0
	shift
	for f in "$@"; do
		awk -v f="$f" -v max="$max" '
			/^\{/ { start = NR; head = prev }
			/^\}/ && start { n = NR - start + 2; if (n > max) print f ":" start - 1 ": " n " lines: " head; start = 0 }
			{ prev = $0 }' "$f"
	done | grep . && rc=1
	return $rc
}

# function_count FILES: how many function bodies long_functions measured
function_count() { cat "$@" | grep -c '^{'; }

# Names (RFC 4251 5): compared only by name_eq/name_eq_bytes, and comma
# lists walked only by the namelist iterator, both in transport/namelist.c.
# A hand-rolled equality is a strlen() against a length next to a memcmp or
# strncmp; a hand-rolled walk looks for ',' with memchr, strchr or strcspn.
# (Case-insensitive keywords, strncasecmp, are the configuration's own.)
names_by_hand() {
	local hits
	hits=$(grep -HnE 'strlen\([^()]*\) *[!=]= *[][A-Za-z0-9_>.-]+ *(&&|\|\|) *!?(memcmp|strncmp) *\(|[!=]= *strlen\([^()]*\) *(&&|\|\|) *!?(memcmp|strncmp) *\(' "$@"
	       grep -HnE "(memchr|strchr|strrchr) *\([^;]*, *','|strcspn *\([^;]*, *\"[^\"]*,[^\"]*\"" "$@")
	hits=$(echo "$hits" | grep -v '^transport/namelist\.c:' | grep .) || return 0
	echo "$hits"
	return 1
}
