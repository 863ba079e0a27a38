#!/usr/bin/env bash
# Regenerates the Kiota client committed in samples/KiotaClient/Generated from openapi.yaml; run it after the document
# changes. With --check it only tells whether the committed client is what the current document generates (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_UPDATE_DISABLED=true
dotnet tool restore >/dev/null

generated=samples/KiotaClient/Generated
target=$generated
if [ "${1:-}" = "--check" ]; then
  target=$(mktemp -d)/Generated
fi
dotnet kiota generate --language CSharp --openapi openapi.yaml --class-name ItsmApiClient \
  --namespace-name Itsm.Samples.KiotaClient.Generated --output "$target" \
  --exclude-backward-compatible --clean-output --log-level Warning >/dev/null
rm -f "$target/.kiota.log"

if [ "$target" != "$generated" ]; then
  # The lock file records the output's relative path, which differs for the temporary copy.
  if ! diff -r -q --exclude=kiota-lock.json "$generated" "$target"; then
    echo "samples/KiotaClient/Generated is not what openapi.yaml generates: run samples/generate-clients.sh and commit." >&2
    exit 1
  fi
  echo "The committed Kiota client matches openapi.yaml."
fi
