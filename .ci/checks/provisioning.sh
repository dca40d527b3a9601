#!/usr/bin/env bash
# Offline checks of the provisioning code (ansible/, dsc/, arc/):
#   - ansible-syntax     ansible-playbook --syntax-check of site.yml (example and ci inventories)
#   - ansible-lint       ansible-lint with the strictest profile the installed version knows
#   - ansible-check-mode site.yml --check against localhost with the ci inventory
#   - shellcheck         every *.sh under arc/ ansible/ .ci/, the launcher, .ci/run, .ci/install-*, testdata/fetch
#   - pwsh-parse         tree-sitter-powershell parse of every .ps1/.psm1/.psd1 under dsc/ arc/
#   - pwsh-parse-broken  a deliberately broken copy of a .ps1 must be reported by the parser
#   - arm-templates      arc/**/*.json are valid JSON with the template fields
#   - policy             ansible/tests/policy.py: no command/shell task or handler without
#                        changed_when/creates/removes; every role has meta, defaults (and the
#                        issue's roles handlers), every notify has a handler; every variable a
#                        role uses is defined and commented in its defaults/vars, every shared
#                        hart_* setting is in inventories/example; no secret literal; the DSC
#                        configuration uses only PSDscResources/in-box resources and every
#                        $Node.X is in the .psd1; arc/ reads azcmagent show before connect;
#                        every environment variable given to a tier is one the tier reads
#   - policy-broken      each policy check reports a deliberately broken copy
#   - ansible-claims     ansible/tests/claims.yml: the roles' defaults, vars and templates for
#                        the example inventory's storage host prove issue 5's claims (mssql.conf,
#                        1433 only to ingest + API hosts, dry-run deployer, least-privilege
#                        logins, bolt on the private address, hardened unit, nginx limit_req and
#                        /q/health, azcmagent settings, extension settings merge, stale firewall
#                        rules); the unit passes systemd-analyze verify, the environment file
#                        reads back (systemd quoting) as the secrets it was given
#   - ansible-claims-broken  broken copies of the roles fail ansible-claims
#   - storage-deployer   the packaged storage tier (ansible/package-artifacts.sh of the real
#                        build) run with the exact command line of storage_schema against an
#                        embedded database: dry run changes nothing, deploy, dry run says
#                        "0 of N", so the role skips the deployment; a wrong command line fails
#                        (needs the build: ./hart build, or ./hart test which builds first)
#
# HART_PROVISIONING_CHECKS="name ..." runs only the named checks (all by default).
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
            storage-build)
                [[ -f "$root/storage-tier/target/hart-storage.jar" && -d "$root/storage-tier/target/lib" &&
                    -f "$root/api/target/quarkus-app/quarkus-run.jar" &&
                    -f "$root/ingest-tier/target/quarkus-app/quarkus-run.jar" ]] ||
                    { echo "storage-build (the build outputs: run ./hart build)"; return; } ;;
            java25)
                [[ -n "$(find_java25)" ]] || { echo "a JDK 25"; return; } ;;
            *)
                command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return; } ;;
        esac
    done
}

# find_java25: the java launcher of a JDK 25 or newer (JAVA_HOME first, as ./hart does).
find_java25() {
    local home major
    for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [[ -n "$home" && -x "$home/bin/java" ]] || continue
        major=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
            sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
        if [[ -n "$major" && "$major" -ge 25 ]]; then
            echo "$home/bin/java"
            return
        fi
    done
}

# run_check NAME "TOOL..." FUNCTION: runs FUNCTION with its output indented and
# prints one closing line for the check.
run_check() {
    local name=$1 tools=$2 fn=$3 missing t0 rc
    if [[ -n "${HART_PROVISIONING_CHECKS:-}" && " $HART_PROVISIONING_CHECKS " != *" $name "* ]]; then
        return
    fi
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
    # The launcher, the CI entry point, every installer and the test-data script are shell too.
    files+=(hart .ci/run .ci/install-build-tools .ci/install-provisioning-tools .ci/install-sql-tools testdata/fetch)
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

# --- policy (ansible/tests/policy.py) -------------------------------------------------------

check_policy() {
    python3 ansible/tests/policy.py --root "$root"
}

# A copy of what the policy checks read, for breaking.
policy_copy() {
    rm -rf "$work/policy-copy"
    mkdir -p "$work/policy-copy/docs" "$work/policy-copy/api/src" "$work/policy-copy/ingest-tier/src"
    cp -r ansible dsc arc README.md "$work/policy-copy/"
    cp docs/deploying.md "$work/policy-copy/docs/"
    cp -r api/src/main "$work/policy-copy/api/src/"
    cp -r ingest-tier/src/main "$work/policy-copy/ingest-tier/src/"
    echo "$work/policy-copy"
}

# expect_policy_finding CHECK "FINDING TEXT" "WHAT WAS BROKEN" (on the current policy copy)
expect_policy_finding() {
    local check=$1 finding=$2 what=$3 out rc
    out=$(python3 ansible/tests/policy.py --root "$work/policy-copy" "$check")
    rc=$?
    if [[ $rc -eq 1 ]] && grep -qF -- "$finding" <<< "$out"; then
        echo "ok    $check reports: $what"
        grep -F -- "$finding" <<< "$out" | head -n 2 | sed 's/^/        /'
        return 0
    fi
    echo "FAIL  $check did not report: $what (exit $rc, expected a finding containing '$finding')"
    awk '{ print "        " $0 }' <<< "$out"
    return 1
}

check_policy_broken() {
    local copy rc=0
    copy=$(policy_copy)
    printf -- '\n- name: Rotate the store\n  ansible.builtin.command:\n    cmd: /usr/bin/neo4j-admin dbms set-default-admin neo4j\n  listen: restart neo4j\n' \
        >> "$copy/ansible/roles/neo4j/handlers/main.yml"
    expect_policy_finding commands "runs ansible.builtin.command without changed_when" \
        "a handler running a command without changed_when" || rc=1

    copy=$(policy_copy)
    sed -i 's/notify: restart api/notify: restart the api/' "$copy/ansible/roles/api_service/tasks/configure.yml"
    expect_policy_finding roles "notify 'restart the api' matches no handler" "a notify without a handler" || rc=1
    copy=$(policy_copy)
    rm "$copy/ansible/roles/neo4j/handlers/main.yml"
    expect_policy_finding roles "neo4j has no handlers/main.yml" "a role of the issue without handlers" || rc=1

    copy=$(policy_copy)
    printf '\nneo4j_undocumented_knob: 3\n' >> "$copy/ansible/roles/neo4j/defaults/main.yml"
    expect_policy_finding variables "neo4j_undocumented_knob has no comment" "a default without a comment" || rc=1
    copy=$(policy_copy)
    echo 'Environment=X={{ neo4j_never_defined }}' >> "$copy/ansible/roles/neo4j/templates/neo4j-java.conf.j2"
    expect_policy_finding variables "neo4j_never_defined is used but not defined" "a variable missing from defaults" || rc=1
    copy=$(policy_copy)
    # shellcheck disable=SC2016 # Jinja text, not a shell expansion
    sed -i 's/{{ hart_fqdn | default(ansible_facts.fqdn) }}/{{ hart_public_name }}/' "$copy/ansible/roles/api_service/defaults/main.yml"
    expect_policy_finding variables "shared setting hart_public_name is not set" "a shared setting missing from the example inventory" || rc=1

    copy=$(policy_copy)
    echo 'vault_hart_api_key: "hk_live_5f2b9c0e71"' >> "$copy/ansible/vault.example.yml"
    expect_policy_finding secrets "vault_hart_api_key holds a literal value" "a secret in a vault template" || rc=1
    copy=$(policy_copy)
    sed -i "s/JdbcOptions                 = 'encrypt=true;/JdbcOptions                 = 'encrypt=true;password=Hunter2x;/" "$copy/dsc/HartIngest.psd1"
    expect_policy_finding secrets "a password inside a connection string" "a password in the DSC connection options" || rc=1
    copy=$(policy_copy)
    # shellcheck disable=SC2016 # PowerShell text, not a shell expansion
    echo '$env:ARC_SERVICE_PRINCIPAL_SECRET = "Zx8Q~abcdefghijklmnop"' >> "$copy/arc/onboard-windows.ps1"
    expect_policy_finding secrets "ARC_SERVICE_PRINCIPAL_SECRET is assigned a literal" "a service principal secret in a script" || rc=1

    copy=$(policy_copy)
    sed -i 's/        Archive IngestRelease/        xArchive IngestRelease/' "$copy/dsc/HartIngest.ps1"
    expect_policy_finding dsc "resource xArchive IngestRelease is not from PSDscResources" "a third-party DSC resource" || rc=1
    copy=$(policy_copy)
    # shellcheck disable=SC2016 # PowerShell text, not a shell expansion
    sed -i 's/\$ingestPort = \[int\]\$Node.IngestPort/$ingestPort = [int]$Node.IngestPrt/' "$copy/dsc/HartIngest.ps1"
    expect_policy_finding dsc "\$Node.IngestPrt is not a key" "a setting missing from the configuration data" || rc=1

    copy=$(policy_copy)
    # shellcheck disable=SC2016 # shell text written into a copy
    sed -i 's/"\$AZCMAGENT" connect --config "\$config"/"$AZCMAGENT" connect --service-principal-secret "$ARC_SERVICE_PRINCIPAL_SECRET" --config "$config"/' \
        "$copy/arc/onboard-linux.sh"
    expect_policy_finding arc "never on the command line" "the secret on the azcmagent command line" || rc=1

    copy=$(policy_copy)
    sed -i "s/('HART_STORAGE_URL=' + /('HART_STORAGE_URI=' + /" "$copy/dsc/HartIngest.ps1"
    expect_policy_finding contract "ingest-tier needs HART_STORAGE_URL" "a misspelt environment variable for the ingest tier" || rc=1
    return $rc
}

# --- claims (ansible/tests/claims.yml) --------------------------------------------------------

# Test secrets with the characters that break quoting (never real values).
claims_env() {
    # shellcheck disable=SC2016 # literal test values
    env HART_MSSQL_SA_PASSWORD='Sa'"'"'P"w$d\x`1-ci' \
        HART_INGEST_DB_PASSWORD='In'"'"'gest "1" \$x-ci' \
        HART_API_DB_PASSWORD='Api#P w;d=2 $HOME-ci' \
        HART_API_KEY='hk_ci_$key\"`q' \
        HART_NEO4J_PASSWORD='neo4j-ci-Test-3' \
        ARC_TENANT_ID=00000000-0000-0000-0000-0000000000a1 ARC_SUBSCRIPTION_ID=00000000-0000-0000-0000-0000000000b2 \
        ARC_SERVICE_PRINCIPAL_ID=00000000-0000-0000-0000-0000000000c3 ARC_SERVICE_PRINCIPAL_SECRET='ci~not-a-secret.4' \
        ARC_RESOURCE_GROUP=rg-hartonomous-ci ARC_LOCATION=westeurope \
        "$@"
}

# run_claims ANSIBLE_DIR OUT_DIR [ansible-playbook args...]
run_claims() {
    local dir=$1 out=$2
    shift 2
    mkdir -p "$out"
    (cd "$dir" && ANSIBLE_CONFIG="$dir/ansible.cfg" claims_env ansible-playbook -i inventories/example/hosts.yml \
        tests/claims.yml -e ansible_connection=local -e "ansible_python_interpreter=$(command -v python3)" \
        -e "hart_claims_dir=$out" "$@")
}

# verify_claims_output OUT: what the playbook rendered, checked by other parsers.
verify_claims_output() {
    local out=$1 rc verify
    # The rendered unit: systemd's own parser (warnings about unknown keys fail too).
    verify=$(systemd-analyze verify --man=no "$out/verify/hartonomous-api.service" 2>&1)
    rc=$?
    if [[ $rc -ne 0 ]] || grep -Eq 'Unknown (key|section)|Failed to|Invalid|ignoring' <<< "$verify"; then
        echo "systemd-analyze verify of the API unit: exit $rc"
        echo "$verify"
        return 1
    fi
    echo "systemd-analyze verify: the API unit is clean"
    # The environment file, read back with systemd's EnvironmentFile quoting rules, holds
    # exactly the secrets it was given.
    # shellcheck disable=SC2016 # Python text, not a shell expansion
    claims_env python3 - "$out/api.env" <<'PY'
import os, sys

def parse(path):
    """systemd EnvironmentFile: KEY=VALUE, "..." with \\ \" \` \$ escapes, '...' literal."""
    values = {}
    for line in open(path, encoding="utf-8").read().splitlines():
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        key, _, raw = line.partition("=")
        value, i = "", 0
        if raw.startswith('"'):
            i = 1
            while raw[i] != '"':
                if raw[i] == "\\" and raw[i + 1] in '"\\`$':
                    i += 1
                elif raw[i] == "\\":
                    value += "\\"
                    i += 1
                value += raw[i]
                i += 1
        elif raw.startswith("'"):
            value = raw[1:raw.index("'", 1)]
        else:
            # unquoted: a backslash takes the next character literally, trailing blanks go
            raw = raw.strip()
            while i < len(raw):
                if raw[i] == "\\" and i + 1 < len(raw):
                    i += 1
                value += raw[i]
                i += 1
        values[key.strip()] = value
    return values

env = parse(sys.argv[1])
expected = {"HART_STORAGE_PASSWORD": os.environ["HART_API_DB_PASSWORD"],
            "HART_API_KEY": os.environ["HART_API_KEY"],
            "HART_NEO4J_PASSWORD": os.environ["HART_NEO4J_PASSWORD"]}
bad = [k for k, v in expected.items() if env.get(k) != v]
if bad:
    print("environment file: " + ", ".join(bad) + " do not read back as given (systemd quoting)")
    sys.exit(1)
print("environment file: " + ", ".join(sorted(expected)) + " read back exactly as given (quotes, $, `, \\ included)")
PY
}

check_ansible_claims() {
    local out="$work/claims" log="$work/claims.out" rc
    run_claims "$root/ansible" "$out" > "$log" 2>&1
    rc=$?
    grep -E '^TASK \[Claim|^(fatal|failed)|FAILED!|^hart-storage-01 +: ok=' "$log" | sed 's/^TASK \[\(.*\)\] \**$/\1/'
    if [[ $rc -ne 0 ]]; then
        echo "--- full output (last 40 lines) ---"
        tail -n 40 "$log"
        return $rc
    fi
    verify_claims_output "$out"
}

# claims_copy NAME: a fresh copy of ansible/ to break (echoes its ansible folder).
claims_copy() {
    rm -rf "$work/claims-copy-$1"
    mkdir -p "$work/claims-copy-$1"
    cp -r ansible "$work/claims-copy-$1/"
    echo "$work/claims-copy-$1/ansible"
}

# expect_claim_failure NAME "CLAIM TEXT" "WHAT WAS BROKEN": the playbook failed on copy NAME,
# in the task of that claim.
expect_claim_failure() {
    local name=$1 claim=$2 what=$3 log="$work/claims-broken-$1.log" rc
    rc=$(cat "$work/claims-broken-$name.rc")
    # The task that failed: the last TASK header before the first FAILED!.
    if [[ $rc -ne 0 ]] && awk '/^TASK \[/ { task = $0 } /FAILED!/ { print task; exit }' "$log" | grep -qF -- "$claim"; then
        echo "ok    ansible-claims fails on: $what"
        echo "        ($claim)"
        return 0
    fi
    echo "FAIL  ansible-claims did not fail on: $what (exit $rc; expected the claim '$claim' to fail)"
    grep -E 'FAILED!|^ERROR' "$log" | head -n 5 | sed 's/^/        /'
    return 1
}

# expect_verify_failure NAME "OUTPUT TEXT" "WHAT WAS BROKEN": the playbook passed on copy
# NAME, and verify_claims_output fails with OUTPUT TEXT.
expect_verify_failure() {
    local name=$1 text=$2 what=$3 out="$work/claims-broken-$1" log="$work/claims-broken-$1.log" result
    if [[ $(cat "$work/claims-broken-$name.rc") -ne 0 ]]; then
        echo "FAIL  the playbook itself failed on: $what"
        tail -n 20 "$log" | sed 's/^/        /'
        return 1
    fi
    if result=$(verify_claims_output "$out" 2>&1); then
        echo "FAIL  ansible-claims did not fail on: $what"
        return 1
    fi
    if grep -qF -- "$text" <<< "$result"; then
        echo "ok    ansible-claims fails on: $what"
        grep -F -- "$text" <<< "$result" | head -n 1 | sed 's/^/        /'
        return 0
    fi
    echo "FAIL  ansible-claims failed on $what, but without '$text':"
    awk '{ print "        " $0 }' <<< "$result"
    return 1
}

check_ansible_claims_broken() {
    local copy name rc=0
    copy=$(claims_copy unit)
    sed -i '/^NoNewPrivileges=yes$/d' "$copy/roles/api_service/templates/hartonomous-api.service.j2"
    copy=$(claims_copy firewall)
    sed -i 's/^hart_api_sources: .*$/hart_api_sources: [any]/' "$copy/inventories/example/group_vars/all/main.yml"
    copy=$(claims_copy nginx)
    sed -i 's/^limit_req_zone .*$//; s/^        limit_req zone=.*$//' "$copy/roles/api_service/templates/nginx-api.conf.j2"
    copy=$(claims_copy mssql)
    sed -i "s/value': '1' if (mssql_server_tls_enabled/value': '0' if (mssql_server_tls_enabled/" "$copy/roles/mssql_server/vars/main.yml"
    copy=$(claims_copy deployer)
    sed -i "s/^storage_schema_dry_run_first: true/storage_schema_dry_run_first: false/" "$copy/roles/storage_schema/defaults/main.yml"
    # Breakages only the second opinion sees: systemd's parser and the read-back of the secrets.
    copy=$(claims_copy directive)
    sed -i 's/^ProtectSystem=strict$/ProtectSystem=strict\nProtectSystm=full/' "$copy/roles/api_service/templates/hartonomous-api.service.j2"
    copy=$(claims_copy quoting)
    sed -i 's/^HART_API_KEY={{ q(api_service_api_key) }}$/HART_API_KEY={{ api_service_api_key }}/' "$copy/roles/api_service/templates/api.env.j2"
    # All copies at once (each playbook run is mostly waiting).
    for name in unit firewall nginx mssql deployer directive quoting; do
        (run_claims "$work/claims-copy-$name/ansible" "$work/claims-broken-$name" > "$work/claims-broken-$name.log" 2>&1
         echo $? > "$work/claims-broken-$name.rc") &
    done
    wait
    expect_claim_failure unit "Claim: hardened systemd unit" "the unit without NoNewPrivileges" || rc=1
    expect_claim_failure firewall "Claim: the firewall opens 1433 only to the ingest and API hosts" "1433 open to any source" || rc=1
    expect_claim_failure nginx "Claim: nginx TLS reverse proxy with rate limiting" "nginx without limit_req" || rc=1
    expect_claim_failure mssql "Claim: SQL Server 2025, memory limit, TCP port, TLS with forced encryption" "forceencryption off" || rc=1
    expect_claim_failure deployer "Claim: the packaged deployer runs with --dry-run first" "no dry run first" || rc=1
    expect_verify_failure directive "Unknown key 'ProtectSystm'" "a misspelt directive in the unit" || rc=1
    expect_verify_failure quoting "HART_API_KEY do not read back" "an unquoted secret in the environment file" || rc=1
    return $rc
}

# --- the packaged storage deployer -----------------------------------------------------------------

check_storage_deployer() {
    local java dist="$work/real-dist" release="$work/deployer/release" out="$work/deployer/out" log="$work/deployer.log"
    java=$(find_java25)
    echo "JDK: $java"
    ansible/package-artifacts.sh --out "$dist" --version deployer-ci > "$log" 2>&1 || { cat "$log"; return 1; }
    mkdir -p "$release" "$out"
    tar -C "$release" -xzf "$dist/hart-storage-deployer-ci.tar.gz" || return 1
    # The command line storage_schema builds (its vars/main.yml), pointed at this release,
    # this JDK and an embedded database.
    run_claims "$root/ansible" "$out" --tags deployer -e "hart_claims_release_dir=$release" \
        -e "hart_claims_java=$java" > "$log" 2>&1 || { tail -n 30 "$log"; return 1; }
    # shellcheck disable=SC2016 # Python text, not a shell expansion
    HART_DEPLOY_PASSWORD="" python3 - "$out/deployer.json" <<'PY'
import json, re, subprocess, sys

spec = json.load(open(sys.argv[1]))
argv, up_to_date = spec["argv"], spec["up_to_date_regex"]
plan_line = re.compile(r"(?m)^(\d+) of (\d+) scripts to apply\s*$")

def run(args, label):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    print(f"{label}: exit {result.returncode}; " + (plan_line.search(result.stdout).group(0).strip()
          if plan_line.search(result.stdout) else (result.stdout + result.stderr).strip()[-300:]))
    return result

print("command line: " + " ".join(argv[:5]) + " ... " + " ".join(argv[-2:]))
first = run(argv + ["--dry-run"], "dry run (fresh database)")
second = run(argv + ["--dry-run"], "dry run again          ")
deploy = run(argv, "deploy                 ")
after = run(argv + ["--dry-run"], "dry run after deploy   ")
broken = run([a.replace("io.hartonomous.storage.StorageMain", "io.hartonomous.storage.NoSuchMain") for a in argv]
             + ["--dry-run"], "wrong main class       ")
checks = [
    (first.returncode == 0 and plan_line.search(first.stdout) and not re.search(up_to_date, first.stdout),
     "the first dry run plans work, so the role deploys"),
    (second.stdout == first.stdout, "the dry run changed nothing (second plan identical)"),
    (deploy.returncode == 0, "the deployment succeeds"),
    (after.returncode == 0 and re.search(up_to_date, after.stdout), "after deploying the plan matches the role's up-to-date regex, so the role skips"),
    (broken.returncode != 0, "a wrong command line fails"),
]
for ok, what in checks:
    print(("ok    " if ok else "FAIL  ") + what)
sys.exit(0 if all(ok for ok, _ in checks) else 1)
PY
}

run_check ansible-syntax "ansible-playbook" check_ansible_syntax
run_check ansible-lint "ansible-lint ansible-playbook" check_ansible_lint
run_check ansible-check-mode "ansible-playbook tar sha256sum python3" check_ansible_check_mode
run_check shellcheck "shellcheck" check_shellcheck
run_check pwsh-parse "node tree-sitter-powershell" check_pwsh_parse
run_check pwsh-parse-broken "node tree-sitter-powershell" check_pwsh_parse_broken
run_check arm-templates "node" check_arm_templates
run_check policy "python3" check_policy
run_check policy-broken "python3" check_policy_broken
run_check ansible-claims "ansible-playbook python3 systemd-analyze" check_ansible_claims
run_check ansible-claims-broken "ansible-playbook python3" check_ansible_claims_broken
run_check storage-deployer "ansible-playbook python3 tar storage-build java25" check_storage_deployer

echo "provisioning checks took $((SECONDS - start_all))s"
summary="provisioning: $passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
    summary="$summary, $skipped skipped"
fi
echo "$summary"
[[ $failed -eq 0 ]]
