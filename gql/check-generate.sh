#!/bin/sh
# check-generate.sh: regenerate the gqlgen code of package gql and fail if
# anything differs from what is on disk: a changed file, a new file (such as a
# resolver stub for a field added to the schema) or a removed one. Runs from
# any directory; needs only Go (gqlgen is pinned by the tool line in go.mod).
#
# The comparison is against a snapshot taken just before, not against git, so
# it works the same on a clean CI checkout and in a working copy. On failure
# the regenerated files are left in place for inspection.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
cp -R gql "$snap/gql"
cp gqlgen.yml "$snap/gqlgen.yml"

go tool gqlgen generate --config gqlgen.yml

if diff -r -u "$snap/gql" gql && diff -u "$snap/gqlgen.yml" gqlgen.yml; then
	echo "gql: generated code is up to date"
else
	echo "gql: generated code is stale: run 'go generate ./gql' and commit the result" >&2
	exit 1
fi
