#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of the packed libraries from their code, after an intended change to the
# public API (the build fails with RS0016/RS0017 until the files match). PublicAPI.Shipped.txt, what released
# versions offered, is never touched: removing a shipped member stays an error to resolve by hand.
#   build/update-public-api.sh plugins/LlmCfsr.X    these project folders (the ones the build reports; ~1 min each)
#   build/update-public-api.sh                      every library (src/*, plugins/* with a PublicAPI.Unshipped.txt)
# Review the diff before committing it: every new line is API that applications and plugins compile against.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then
  folders=("${@%/}")
else
  mapfile -t folders < <(dirname src/*/PublicAPI.Unshipped.txt plugins/*/PublicAPI.Unshipped.txt)
fi

# One project at a time: over the whole solution `dotnet format` fixes only the first project's file.
for folder in "${folders[@]}"; do
  file="$folder/PublicAPI.Unshipped.txt"
  echo "$folder"
  # From an empty file, so that removed members disappear and the analyzers' fix writes every current one.
  printf '#nullable enable\n' > "$file"
  dotnet format analyzers "$(ls "$folder"/*.csproj)" --diagnostics RS0016 RS0017 RS0036 RS0037 --severity warn -v q
  # One order whatever the fix's insertion order, so that a diff shows only real changes.
  { head -n 1 "$file"; tail -n +2 "$file" | LC_ALL=C sort -u; } > "$file.sorted"
  mv "$file.sorted" "$file"
done
