#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer, beyond the regression corpus the normal build runs.
#   scripts/fuzz.sh                      # every fuzz test, 5 minutes each (their maxDuration)
#   scripts/fuzz.sh ApiBodiesFuzzTest    # one test class
# A finding fails the run and is saved under bulwark-server/src/test/resources/<package>/<Class>Inputs/<method>/;
# fix the defect and commit the file: it then runs in every build as a regression input.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$(scripts/find-java.sh)}
tests=${1:-'*FuzzTest'}
./mvnw -B -q -pl bulwark-server -am install -DskipTests
JAZZER_FUZZ=1 ./mvnw -B -pl bulwark-server test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
