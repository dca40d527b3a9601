#!/usr/bin/env bash
# Syntax check of sql/: `sqlfluff parse --dialect tsql` on every script sqlfluff can parse.
# sqlfluff 1.4.5 lacks much valid T-SQL (graph, temporal, Broker, spatial and memory-optimized DDL, ...); the files
# it cannot parse are listed, with the construct it lacks, in sql/README.md ("sqlfluff exclusions") - the only
# place that list is kept - and are skipped here with that reason.
# Ends with the line "sql: N passed, M failed" and exits non-zero when a file failed. When sqlfluff is missing the
# check fails if CI=true or HART_REQUIRE_ALL_CHECKS=1, and is SKIPPED otherwise.
# Install the tool with: .ci/install-sql-tools
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
readme="sql/README.md"

if ! command -v sqlfluff >/dev/null 2>&1; then
    if [[ "${CI:-}" == "true" || "${HART_REQUIRE_ALL_CHECKS:-}" == "1" ]]; then
        echo "sqlfluff is not installed (install it with .ci/install-sql-tools)" >&2
        echo "sql: 0 passed, 1 failed"
        exit 1
    fi
    echo "SKIPPED: sqlfluff is not installed; install it with .ci/install-sql-tools (apt-get install -y sqlfluff)"
    exit 0
fi

# "file<TAB>reason" for each line between the exclusion markers of the README.
# shellcheck disable=SC2016 # the backquotes are Markdown, not command substitution
exclusions=$(sed -n '/<!-- sqlfluff-exclusions/,/<!-- end sqlfluff-exclusions -->/p' "$readme" |
    sed -n 's/^- `\([^`]*\)`: \(.*\)$/\1\t\2/p')

reason_for() {
    local file=$1 name reason
    while IFS=$'\t' read -r name reason; do
        if [[ "$name" == "$file" ]]; then
            printf '%s' "$reason"
            return 0
        fi
    done <<< "$exclusions"
    return 1
}

passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "sqlfluff $(sqlfluff version 2>/dev/null)"
while IFS= read -r path; do
    file=${path#sql/}
    if reason=$(reason_for "$file"); then
        echo "skip $file: sqlfluff lacks $reason"
        skipped=$((skipped + 1))
        continue
    fi
    if sqlfluff parse --dialect tsql --config sql/.sqlfluff "$path" > "$out" 2>&1; then
        echo "ok   $file"
        passed=$((passed + 1))
    else
        echo "FAIL $file"
        grep -E 'PRS|unparsable|Error' "$out" | head -n 20 | sed 's/^/     /'
        failed=$((failed + 1))
    fi
done < <(find sql -maxdepth 2 -name '*.sql' \( -path 'sql/*.sql' -o -path 'sql/optional/*.sql' \) | sort)

# Every listed exclusion must name a script that exists, so the list cannot drift from sql/.
while IFS=$'\t' read -r name _; do
    [[ -z "$name" ]] && continue
    if [[ ! -f "sql/$name" ]]; then
        echo "FAIL $readme lists $name as a sqlfluff exclusion, but sql/$name does not exist"
        failed=$((failed + 1))
    fi
done <<< "$exclusions"

echo "($skipped skipped: valid T-SQL sqlfluff cannot parse, listed in $readme)"
echo "sql: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
