#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer, or explains how to install one and exits 2.
# Order: BULWARK_JAVA_HOME, JAVA_HOME, the java on PATH, then the standard JVM directories
# (newest first). Sourced by ./bulwark and scripts/bench.sh; usable alone: scripts/find-java.sh
set -euo pipefail

min=21

# The feature version (17, 21, 25) of the JDK at $1, or nothing.
jdk_version() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" -o -f "$home/lib/modules" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "$v"
}

accept() {
  local home=$1 v
  [ -n "$home" ] || return 1
  v=$(jdk_version "$home")
  [ -n "$v" ] && [ "$v" -ge "$min" ]
}

candidates=()
[ -n "${BULWARK_JAVA_HOME:-}" ] && candidates+=("$BULWARK_JAVA_HOME")
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for home in "${candidates[@]}"; do
  if accept "$home"; then echo "$home"; exit 0; fi
done

best="" best_v=0
for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
            /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -d "$home" ] || continue
  v=$(jdk_version "$home")
  if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best=$home best_v=$v; fi
done
if [ -n "$best" ]; then echo "$best"; exit 0; fi

cat >&2 <<MSG
Bulwark needs a JDK $min or newer, and none was found (looked at BULWARK_JAVA_HOME, JAVA_HOME,
the java on PATH and /usr/lib/jvm). Install one, then run the command again:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk   (or temurin-21-jdk from Adoptium)
  macOS:          brew install openjdk@21
  any system:     https://adoptium.net
or point BULWARK_JAVA_HOME at an installed JDK $min+.
MSG
exit 2
