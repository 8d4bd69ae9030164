# Extracts every ```sql block of a markdown file (runbooks suite of scripts/test.sh).
#
#   awk -v out=DIR -v src=NAME -v start=N -f extract.awk FILE.md
#
# Writes DIR/NNNN.sql per block (numbered from start) and prints one manifest line per block:
# "NNNN<TAB>NAME:LINE<TAB>FLAGS". FLAGS come from a marker comment on the lines just before
# the block (blank lines may separate them):  <!-- runbook-test: sandbox stale -->
# A fence may be indented (a block inside a list item); the indentation is removed.
function flush_marker() { pending = "" }
BEGIN { n = start; inblock = 0; pending = "" }
{
    line = $0
    if (!inblock) {
        if (match(line, /^[ \t]*```sql[ \t]*$/)) {
            indent = line
            sub(/```sql[ \t]*$/, "", indent)
            file = sprintf("%s/%04d.sql", out, n)
            printf "" > file
            printf "%04d\t%s:%d\t%s\n", n, src, NR, pending
            n++
            inblock = 1
            pending = ""
            next
        }
        if (match(line, /^[ \t]*<!--[ \t]*runbook-test:[^>]*-->[ \t]*$/)) {
            m = line
            sub(/^[ \t]*<!--[ \t]*runbook-test:[ \t]*/, "", m)
            sub(/[ \t]*-->[ \t]*$/, "", m)
            gsub(/,/, " ", m)
            pending = m
            next
        }
        if (line !~ /^[ \t]*$/) flush_marker()
        next
    }
    if (match(line, /^[ \t]*```[ \t]*$/)) {
        close(file)
        inblock = 0
        next
    }
    if (indent != "" && substr(line, 1, length(indent)) == indent) line = substr(line, length(indent) + 1)
    print line >> file
}
END {
    if (inblock) { printf "unterminated ```sql block in %s\n", src > "/dev/stderr"; exit 1 }
}
