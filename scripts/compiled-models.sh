#!/usr/bin/env bash
# Regenerates the EF Core compiled models, one per provider, with `dotnet ef dbcontext optimize`:
#   src/Compozy.Data.Sqlite/Model/Compiled     (namespace Compozy.Data.Sqlite.Model.Compiled)
#   src/Compozy.Data.Postgres/Model/Compiled   (namespace Compozy.Data.Postgres.Model.Compiled)
# Run it after every change to the model (an entity, a configuration, a model customizer, a
# converter or comparer), beside `dotnet ef migrations add` (docs/database/migrations.md). The
# staleness tests (tests/Compozy.Data.Tests/Model) fail until it is run.
#
# The model comes from each provider's design-time factory, which builds it from the entity
# configurations. The projects are built without their old compiled model first
# (-p:CompozyNoCompiledModel=true), since after a model change it may no longer compile, and
# once more with the new one at the end, to check that it does.
#
# CONFIGURATION (default Debug) is the build configuration used.
set -euo pipefail

cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-Debug}

say() { echo "compiled-models.sh: $*" >&2; }

dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  project=src/Compozy.Data.$provider
  say "building $project without its compiled model"
  dotnet build "$project" -c "$configuration" -nologo -v quiet -p:CompozyNoCompiledModel=true
  rm -rf "$project/Model/Compiled"
  say "generating $project/Model/Compiled"
  dotnet ef dbcontext optimize --no-build --configuration "$configuration" \
    --project "$project" --startup-project "$project" --context CompozyDbContext \
    --output-dir Model/Compiled --namespace "Compozy.Data.$provider.Model.Compiled" >/dev/null
  # The assembly attribute lets EF find a compiled model by itself, but only in the context's own
  # assembly (Compozy.Data); the provider chooses its model with UseModel instead.
  rm -f "$project/Model/Compiled/CompozyDbContextAssemblyAttributes.cs"
  # Internal like the rest of the provider: nothing outside it needs the generated classes, and
  # public ones would need XML documentation (warnings are errors).
  sed -i 's/^\( *\)public partial class /\1internal partial class /' "$project"/Model/Compiled/*.cs
done

for provider in Sqlite Postgres; do
  say "building src/Compozy.Data.$provider with its new compiled model"
  dotnet build "src/Compozy.Data.$provider" -c "$configuration" -nologo -v quiet
done
say "done: commit src/Compozy.Data.Sqlite/Model/Compiled and src/Compozy.Data.Postgres/Model/Compiled"
