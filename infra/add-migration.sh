#!/usr/bin/env bash
# Adds an EF Core migration to a module: infra/add-migration.sh <Module> <MigrationName> [DbContext]
# e.g. infra/add-migration.sh Members AddPlans
#      infra/add-migration.sh Host AddX HostOpsDbContext   (the host's own schema host_ops)
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?module, e.g. Members}; name=${2:?migration name}; context=${3:-${module}DbContext}
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-ef >/dev/null || dotnet tool install --global dotnet-ef --version 10.0.15
project=src/Modules/$module/BenefitProgram.$module
[ "$module" = Host ] && project=src/BenefitProgram.Host
dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --context "$context" \
  --output-dir "Persistence/Migrations/${context%DbContext}"
