#!/usr/bin/env bash
# Offline checks of the provisioning code (ansible/, dsc/, arc/):
#   - ansible-syntax     ansible-playbook --syntax-check of site.yml (example and ci inventories)
#   - ansible-lint       ansible-lint with the strictest profile the installed version knows
#   - ansible-check-mode site.yml --check against localhost with the ci inventory
#   - shellcheck         every *.sh under arc/ ansible/ .ci/ (+ .ci/install-provisioning-tools)
#   - pwsh-parse         tree-sitter-powershell parse of every .ps1/.psm1/.psd1 under dsc/ arc/
#   - pwsh-parse-broken  a deliberately broken copy of a .ps1 must be reported by the parser
#   - arm-templates      arc/**/*.json are valid JSON with the template fields
#
# Ends with the line "provisioning: N passed, M failed[, K skipped]" and exits
# non-zero when a check failed. A missing tool fails the check when CI=true or
# HART_REQUIRE_ALL_CHECKS=1; otherwise the check is SKIPPED.
# Install the tools with: .ci/install-provisioning-tools
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2

strict=0
if [[ "${CI:-}" == "true" || "${HART_REQUIRE_ALL_CHECKS:-}" == "1" ]]; then
    strict=1
fi

export NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_CONFIG="$root/ansible/ansible.cfg"
export ANSIBLE_LOCAL_TEMP="${TMPDIR:-/tmp}/hart-ansible-local"
export ANSIBLE_STDOUT_CALLBACK=default

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0
start_all=$SECONDS
parse_script="$root/.ci/pwsh-parse/parse.mjs"

# require TOOL...: echo the first missing tool (empty when all are present).
require() {
    local tool
    for tool in "$@"; do
        case "$tool" in
            tree-sitter-powershell)
                [[ -d "$root/.ci/pwsh-parse/node_modules/tree-sitter-powershell" &&
                    -d "$root/.ci/pwsh-parse/node_modules/tree-sitter" ]] || { echo "$tool"; return; } ;;
            *)
                command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return; } ;;
        esac
    done
}

# run_check NAME "TOOL..." FUNCTION: runs FUNCTION with its output indented and
# prints one closing line for the check.
run_check() {
    local name=$1 tools=$2 fn=$3 missing t0 rc
    echo "== $name"
    # shellcheck disable=SC2086 # tools is a space-separated list
    missing=$(require $tools)
    if [[ -n "$missing" ]]; then
        if [[ $strict -eq 1 ]]; then
            echo "FAIL    $name: $missing missing (CI=true / HART_REQUIRE_ALL_CHECKS=1): run .ci/install-provisioning-tools"
            failed=$((failed + 1))
        else
            echo "SKIPPED $name ($missing missing: run .ci/install-provisioning-tools)"
            skipped=$((skipped + 1))
        fi
        return
    fi
    t0=$SECONDS
    "$fn" > "$work/$name.log" 2>&1
    rc=$?
    sed 's/^/    /' "$work/$name.log"
    if [[ $rc -eq 0 ]]; then
        echo "PASS    $name ($((SECONDS - t0))s)"
        passed=$((passed + 1))
    else
        echo "FAIL    $name (exit $rc, $((SECONDS - t0))s)"
        failed=$((failed + 1))
    fi
}

# --- the checks -------------------------------------------------------------------------

check_ansible_syntax() {
    local inv rc=0
    for inv in example ci; do
        echo "inventory $inv:"
        (cd ansible && ansible-playbook -i "inventories/$inv/hosts.yml" site.yml --syntax-check) || rc=1
    done
    return $rc
}

check_ansible_lint() {
    local profile=production
    # ansible-lint >= 6.6 has profiles; older ones only run their default rules.
    if ! ansible-lint --help 2>/dev/null | grep -q -- '--profile'; then
        profile=""
    fi
    echo "ansible-lint $(ansible-lint --version 2>/dev/null | head -n1 | awk '{print $2}'), profile: ${profile:-default rules (no profile support)}"
    if [[ -n "$profile" ]]; then
        (cd ansible && ansible-lint --offline --nocolor -p --profile "$profile")
    else
        (cd ansible && ansible-lint --offline --nocolor -p)
    fi
}

# Placeholder build outputs -> ansible/package-artifacts.sh -> release archives
# that the --check run reads (nothing else about them matters in check mode).
make_placeholder_release() {
    local fake="$work/fake-build" app
    for app in api ingest-tier; do
        mkdir -p "$fake/$app/target/quarkus-app/lib/main"
        echo "placeholder" > "$fake/$app/target/quarkus-app/quarkus-run.jar"
        echo "placeholder" > "$fake/$app/target/quarkus-app/lib/main/placeholder.jar"
    done
    mkdir -p "$fake/storage-tier/target/lib"
    echo "placeholder" > "$fake/storage-tier/target/hart-storage.jar"
    echo "placeholder" > "$fake/storage-tier/target/lib/placeholder.jar"
    ansible/package-artifacts.sh --root "$fake" --out "$work/dist" --version ci
}

check_ansible_check_mode() {
    make_placeholder_release || return 1
    for f in hart-api-ci.tar.gz hart-storage-ci.tar.gz hart-ingest-ci.zip SHA256SUMS; do
        [[ -s "$work/dist/$f" ]] || { echo "package-artifacts.sh did not write $f"; return 1; }
    done
    local log="$work/check-mode.out" rc
    (cd ansible && ansible-playbook -i inventories/ci/hosts.yml site.yml --check \
        -e "hart_artifacts_dir=$work/dist" -e hart_release_version=ci) > "$log" 2>&1
    rc=$?
    # Keep the output short: the recap, warnings and any failure.
    grep -E '^(fatal|failed|ERROR|\[WARNING\]|[a-z0-9-]+ +: ok=)|FAILED!' "$log" || true
    if [[ $rc -ne 0 ]]; then
        echo "--- full output (last 60 lines) ---"
        tail -n 60 "$log"
        return $rc
    fi
    grep -Eq 'failed=0 ' "$log" || { echo "no 'failed=0' in the play recap"; return 1; }
}

check_shellcheck() {
    local files=()
    mapfile -t files < <(find arc ansible .ci -name node_modules -prune -o -type f -name '*.sh' -print 2>/dev/null | sort)
    files+=(.ci/install-provisioning-tools)
    echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#files[@]} files"
    printf '  %s\n' "${files[@]}"
    shellcheck -x "${files[@]}"
}

check_pwsh_parse() {
    echo "tree-sitter-powershell $(node -p "require('$root/.ci/pwsh-parse/node_modules/tree-sitter-powershell/package.json').version")"
    node "$parse_script" dsc arc
}

check_pwsh_parse_broken() {
    local src broken out rc line
    src=$(find dsc arc -type f -name '*.ps1' | sort | head -n1)
    [[ -n "$src" ]] || { echo "no .ps1 file under dsc/ or arc/ to break"; return 1; }
    broken="$work/broken/$(basename "$src")"
    mkdir -p "$work/broken"
    cp "$src" "$broken"
    # Break it: an if whose condition is never closed, then a dangling block.
    line=$(($(wc -l < "$broken") + 1))
    # shellcheck disable=SC2016 # PowerShell text, not a shell expansion
    printf 'if ($hartBrokenOnPurpose -eq 1 {\n    Write-Output "never closed"\n' >> "$broken"
    echo "broke a copy of $src (appended an unclosed if at line $line)"
    out=$(node "$parse_script" "$broken")
    rc=$?
    echo "$out"
    if [[ $rc -ne 1 ]]; then
        echo "expected exit 1 from the parser for the broken copy, got $rc"
        return 1
    fi
    if ! grep -Eq "$(basename "$src"):[0-9]+:[0-9]+: error:" <<< "$out"; then
        echo "expected a FILE:LINE:COL error report for the broken copy"
        return 1
    fi
    if ! grep -Eq "$(basename "$src"):$line:[0-9]+: error:" <<< "$out"; then
        echo "expected the error to be reported at the broken line $line"
        return 1
    fi
    # And the unbroken original still parses clean.
    node "$parse_script" --quiet "$src"
}

check_arm_templates() {
    local files=()
    mapfile -t files < <(find arc -type f -name '*.json' | sort)
    [[ ${#files[@]} -gt 0 ]] || { echo "no ARM/parameter files under arc/"; return 1; }
    # shellcheck disable=SC2016 # JavaScript text, not a shell expansion
    node -e '
        const fs = require("fs");
        let bad = 0;
        for (const f of process.argv.slice(1)) {
            try {
                const doc = JSON.parse(fs.readFileSync(f, "utf8"));
                const schema = String(doc.$schema || "");
                if (schema.includes("deploymentTemplate") && !(doc.resources && doc.parameters)) {
                    throw new Error("template without resources/parameters");
                }
                if (schema.includes("deploymentParameters") && !doc.parameters) {
                    throw new Error("parameter file without parameters");
                }
                console.log("ok    " + f);
            } catch (e) { bad++; console.log(f + ": error: " + e.message); }
        }
        process.exit(bad ? 1 : 0);
    ' "${files[@]}"
}

run_check ansible-syntax "ansible-playbook" check_ansible_syntax
run_check ansible-lint "ansible-lint ansible-playbook" check_ansible_lint
run_check ansible-check-mode "ansible-playbook tar sha256sum python3" check_ansible_check_mode
run_check shellcheck "shellcheck" check_shellcheck
run_check pwsh-parse "node tree-sitter-powershell" check_pwsh_parse
run_check pwsh-parse-broken "node tree-sitter-powershell" check_pwsh_parse_broken
run_check arm-templates "node" check_arm_templates

echo "provisioning checks took $((SECONDS - start_all))s"
summary="provisioning: $passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
    summary="$summary, $skipped skipped"
fi
echo "$summary"
[[ $failed -eq 0 ]]
