#!/usr/bin/env bash
# Connects this Linux machine (the Hartonomous storage host) to Azure Arc,
# non-interactively, with a service principal. Idempotent: a machine that
# `azcmagent show` reports as Connected is left alone.
#
# usage: sudo --preserve-env arc/onboard-linux.sh [--check]
#   --check   validate the settings and report what would be done; change nothing
#
# Required environment:
#   ARC_TENANT_ID                  Entra ID tenant of the subscription
#   ARC_SUBSCRIPTION_ID            subscription that holds the Arc resource
#   ARC_RESOURCE_GROUP             resource group of the Arc resource
#   ARC_LOCATION                   Azure region, e.g. westeurope
#   ARC_SERVICE_PRINCIPAL_ID       application (client) id of the onboarding service principal
#   ARC_SERVICE_PRINCIPAL_SECRET   its client secret (secret; never printed, never on a command line)
# Optional:
#   ARC_TAGS           comma-separated Name=Value tags (default: application=hartonomous,tier=storage)
#   ARC_CLOUD          AzureCloud (default), AzureUSGovernment or AzureChinaCloud
#   ARC_RESOURCE_NAME  name of the Arc resource (default: the host name)
#   ARC_PROXY_URL      outbound proxy, e.g. http://proxy.corp.example:3128
#   ARC_PROXY_BYPASS   services that skip the proxy, e.g. Arc (for private endpoints)
#   ARC_INSTALL_SCRIPT_URL  agent installer (default: Microsoft's, https://aka.ms/azcmagent)
set -euo pipefail

AZCMAGENT=/opt/azcmagent/bin/azcmagent
check_only=0

log() { echo "onboard-linux: $*"; }
die() { echo "onboard-linux: error: $*" >&2; exit "${2:-1}"; }

case "${1:-}" in
    "") ;;
    --check) check_only=1 ;;
    -h | --help) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" 2 ;;
esac

# --- settings -------------------------------------------------------------------------
required=(ARC_TENANT_ID ARC_SUBSCRIPTION_ID ARC_RESOURCE_GROUP ARC_LOCATION ARC_SERVICE_PRINCIPAL_ID ARC_SERVICE_PRINCIPAL_SECRET)
missing=()
for name in "${required[@]}"; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    die "missing environment variable(s): ${missing[*]} (see arc/README.md; with sudo, keep them with --preserve-env)" 2
fi

tags="${ARC_TAGS:-application=hartonomous,tier=storage}"
cloud="${ARC_CLOUD:-AzureCloud}"
resource_name="${ARC_RESOURCE_NAME:-$(hostname -s)}"
proxy_url="${ARC_PROXY_URL:-}"
proxy_bypass="${ARC_PROXY_BYPASS:-}"
install_url="${ARC_INSTALL_SCRIPT_URL:-https://aka.ms/azcmagent}"

case "$cloud" in
    AzureCloud | AzureUSGovernment | AzureChinaCloud) ;;
    *) die "ARC_CLOUD must be AzureCloud, AzureUSGovernment or AzureChinaCloud (got '$cloud')" 2 ;;
esac
[[ "$tags" =~ ^([^=,]+=[^,]*)(,[^=,]+=[^,]*)*$ ]] || die "ARC_TAGS must look like Name=Value,Name2=Value2 (got '$tags')" 2

if [[ $check_only -eq 0 && $(id -u) -ne 0 ]]; then
    die "run as root (sudo --preserve-env $0)" 2
fi

# JSON string escaping for the connection settings file.
json_string() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    printf '"%s"' "$s"
}

# A comma/space separated list (as given or as `azcmagent config get` prints it,
# possibly with brackets and quotes) -> sorted, comma-separated, no blanks.
normalize_list() {
    tr -d '[]"' | tr ' ,' '\n' | sed '/^$/d' | sort -u | paste -sd, -
}

agent_status() {
    # `azcmagent show --json` prints e.g. "status": "Connected"; empty when not installed.
    [[ -x "$AZCMAGENT" ]] || return 0
    "$AZCMAGENT" show --json 2>/dev/null | tr -d '\n' |
        sed -n 's/.*"status"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p'
}

agent_field() {
    "$AZCMAGENT" show --json 2>/dev/null | tr -d '\n' |
        sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p"
}

# --- 1. agent ---------------------------------------------------------------------------------
if [[ -x "$AZCMAGENT" ]]; then
    log "agent installed: $("$AZCMAGENT" version 2>/dev/null | head -n1)"
elif [[ $check_only -eq 1 ]]; then
    log "would install the Connected Machine agent from $install_url"
else
    log "installing the Connected Machine agent from $install_url"
    installer=$(mktemp)
    trap 'rm -f "$installer"' EXIT
    curl_args=(--fail --silent --show-error --location --retry 3 --output "$installer")
    [[ -n "$proxy_url" ]] && curl_args+=(--proxy "$proxy_url")
    curl "${curl_args[@]}" "$install_url"
    if [[ -n "$proxy_url" ]]; then
        bash "$installer" --proxy "$proxy_url"
    else
        bash "$installer"
    fi
    [[ -x "$AZCMAGENT" ]] || die "the installer ran but $AZCMAGENT is missing"
fi

# --- 2. proxy -----------------------------------------------------------------------------------
if [[ -x "$AZCMAGENT" ]]; then
    current_proxy=$("$AZCMAGENT" config get proxy.url 2>/dev/null | tr -d '[:space:]' || true)
    if [[ "$current_proxy" != "$proxy_url" ]]; then
        if [[ $check_only -eq 1 ]]; then
            log "would set proxy.url to '${proxy_url:-<none>}' (now '${current_proxy:-<none>}')"
        elif [[ -n "$proxy_url" ]]; then
            log "setting proxy.url"
            "$AZCMAGENT" config set proxy.url "$proxy_url"
        else
            log "clearing proxy.url"
            "$AZCMAGENT" config clear proxy.url
        fi
    fi
    # proxy.bypass is a list (e.g. Arc,AAD); compare it as a sorted set.
    current_bypass=$("$AZCMAGENT" config get proxy.bypass 2>/dev/null | normalize_list || true)
    wanted_bypass=$(printf '%s' "$proxy_bypass" | normalize_list)
    if [[ "$current_bypass" != "$wanted_bypass" ]]; then
        if [[ $check_only -eq 1 ]]; then
            log "would set proxy.bypass to '${wanted_bypass:-<none>}' (now '${current_bypass:-<none>}')"
        elif [[ -n "$wanted_bypass" ]]; then
            log "setting proxy.bypass"
            "$AZCMAGENT" config set proxy.bypass "$wanted_bypass"
        else
            log "clearing proxy.bypass"
            "$AZCMAGENT" config clear proxy.bypass
        fi
    fi
fi

# --- 3. connect ---------------------------------------------------------------------------------
status=$(agent_status)
if [[ "$status" == "Connected" ]]; then
    rg=$(agent_field resourceGroup)
    sub=$(agent_field subscriptionId)
    log "already connected as $(agent_field resourceName) in resource group $rg (nothing to do)"
    if [[ "$rg" != "$ARC_RESOURCE_GROUP" || "$sub" != "$ARC_SUBSCRIPTION_ID" ]]; then
        log "warning: connected to $sub/$rg, not $ARC_SUBSCRIPTION_ID/$ARC_RESOURCE_GROUP; disconnect first to move it" >&2
    fi
    exit 0
fi

if [[ $check_only -eq 1 ]]; then
    log "would connect as $resource_name to $ARC_SUBSCRIPTION_ID/$ARC_RESOURCE_GROUP in $ARC_LOCATION ($cloud), tags $tags"
    exit 0
fi

log "connecting as $resource_name to resource group $ARC_RESOURCE_GROUP in $ARC_LOCATION ($cloud)"
config=$(umask 077 && mktemp --suffix=.json)
trap 'rm -f "$config" "${installer:-}"' EXIT
{
    printf '{\n'
    printf '  "service-principal-id": %s,\n' "$(json_string "$ARC_SERVICE_PRINCIPAL_ID")"
    printf '  "service-principal-secret": %s,\n' "$(json_string "$ARC_SERVICE_PRINCIPAL_SECRET")"
    printf '  "tenant-id": %s,\n' "$(json_string "$ARC_TENANT_ID")"
    printf '  "subscription-id": %s,\n' "$(json_string "$ARC_SUBSCRIPTION_ID")"
    printf '  "resource-group": %s,\n' "$(json_string "$ARC_RESOURCE_GROUP")"
    printf '  "location": %s,\n' "$(json_string "$ARC_LOCATION")"
    printf '  "cloud": %s,\n' "$(json_string "$cloud")"
    printf '  "resource-name": %s,\n' "$(json_string "$resource_name")"
    printf '  "tags": %s\n' "$(json_string "$tags")"
    printf '}\n'
} > "$config"

"$AZCMAGENT" connect --config "$config"

status=$(agent_status)
[[ "$status" == "Connected" ]] || die "azcmagent reports status '${status:-unknown}' after connect (see azcmagent logs)"
log "connected: $(agent_field resourceName) in $(agent_field resourceGroup)"
