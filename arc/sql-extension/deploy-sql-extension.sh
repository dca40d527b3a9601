#!/usr/bin/env bash
# Deploys arc/sql-extension/sql-extension.json (Azure extension for SQL Server on
# the Arc-enabled storage host) with the Azure CLI. An ARM deployment is
# idempotent: running it again with the same parameters changes nothing.
# (The Ansible role arc_onboard applies the same settings through the REST API;
# use one or the other.)
#
# usage: arc/sql-extension/deploy-sql-extension.sh [--what-if] [--parameters FILE]
# Environment (required): ARC_SUBSCRIPTION_ID, ARC_RESOURCE_GROUP
# Optional overrides: ARC_RESOURCE_NAME (machineName), ARC_LOCATION (location),
#                     ARC_SQL_LICENSE_TYPE (licenseType: PAYG, Paid, LicenseOnly)
# Needs `az login` first (an account with Azure Connected Machine Resource Administrator).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
template="$here/sql-extension.json"
parameters="$here/sql-extension.parameters.json"
what_if=0

die() { echo "deploy-sql-extension: error: $*" >&2; exit "${2:-1}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --what-if) what_if=1; shift ;;
        --parameters) [[ $# -ge 2 ]] || die "--parameters needs a file" 2; parameters="$2"; shift 2 ;;
        -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" 2 ;;
    esac
done

missing=()
for name in ARC_SUBSCRIPTION_ID ARC_RESOURCE_GROUP; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing environment variable(s): ${missing[*]}" 2
[[ -f "$parameters" ]] || die "parameter file not found: $parameters" 2
command -v az >/dev/null 2>&1 || die "the Azure CLI (az) is not installed" 2
az account show --output none 2>/dev/null || die "not logged in: run az login (or az login --service-principal ...) first" 2

overrides=()
[[ -n "${ARC_RESOURCE_NAME:-}" ]] && overrides+=("machineName=$ARC_RESOURCE_NAME")
[[ -n "${ARC_LOCATION:-}" ]] && overrides+=("location=$ARC_LOCATION")
[[ -n "${ARC_SQL_LICENSE_TYPE:-}" ]] && overrides+=("licenseType=$ARC_SQL_LICENSE_TYPE")

args=(--subscription "$ARC_SUBSCRIPTION_ID" --resource-group "$ARC_RESOURCE_GROUP"
    --name hartonomous-sql-extension --template-file "$template" --parameters "@$parameters")
[[ ${#overrides[@]} -gt 0 ]] && args+=(--parameters "${overrides[@]}")

if [[ $what_if -eq 1 ]]; then
    az deployment group what-if "${args[@]}"
else
    az deployment group create "${args[@]}" --output table
fi
