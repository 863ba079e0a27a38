#!/usr/bin/env bash
# The account register benchmark: publishes the service in Release and runs bench/AccountBench against it.
# Usage: bench/accounts.sh [accounts]   (default 100,000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dotnet publish "$ROOT/Api/Itsm.Api.csproj" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts" -o "$WORK/publish" >/dev/null
dotnet run -c Release --project "$ROOT/bench/AccountBench" -- "$WORK/publish/Itsm.Api.dll" "${1:-100000}"
