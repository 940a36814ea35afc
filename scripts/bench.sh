#!/usr/bin/env bash
# Builds the benchmarks (and the bulwark.jar they measure), then runs bulwark-bench.jar with the
# arguments given. Run from anywhere; paths are relative to the repository root.
#   scripts/bench.sh http --clients 64 --duration 10s [--json target/bench/http.json]
#   scripts/bench.sh jmh ApiKey -f 1 -wi 2 -i 3
#   scripts/bench.sh jobs-db --jobs 100000 --nodes 1,3 [--json target/bench/jobs-db.json]
#   scripts/bench.sh fleet --jobs 50000 --nodes 1,2,3 --failover-runs 10 [--json target/bench/fleet.json]
#   scripts/bench.sh soak --duration 30m [--json target/bench/soak.json]   (CSV and PNG in target/bench/)
#   scripts/bench.sh pipelines --runs 100,1000 --sequential 200 [--store postgres --workers 3]
#   scripts/bench.sh messaging --brokers redis,nats,rabbitmq --messages 10000 --rounds 3
#   scripts/bench.sh engine --jobs 100000 --concurrency 10,256   (in one process, against the store's ceiling)
#   scripts/bench.sh cache --keys 1000000 --l1-size 10000 --reads 1000000   (Zipf hit ratios; JMH: jmh CacheBenchmark)
#   scripts/bench.sh --help
# docs/benchmarks.md explains what each one measures.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
java_home=$(scripts/find-java.sh)

# Maven runs on whatever java the shell has (the toolchains plugin picks the JDK that compiles);
# only a shell with no java at all borrows the one found above.
if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then
  export JAVA_HOME="$java_home"
fi
# -am builds bulwark-cli too, so the http harness always measures the current sources.
./mvnw -B -q -pl bulwark-bench -am package -DskipTests

exec "$java_home/bin/java" -jar bulwark-bench/target/bulwark-bench.jar "$@"
