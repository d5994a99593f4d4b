#!/usr/bin/env bash
# Prepares everything bench/gpu-check.sh needs on a GPU machine that has no JDK, no Maven and no network (the
# `device` machines): builds here, then writes into STAGE (default .gpu, ignored by git):
#   llava4j.jar      the runnable CLI jar
#   classes/, test-classes/, lib/*.jar   the backend-gpu test class path (JUnit, LWJGL, tensor, CPU backend)
#   jre.txz          a jlink'd Java runtime with the modules the CLI uses (xz: ~21 MB instead of the JDK's 300)
# On the GPU machine: GPU_CHECK_STAGE=.gpu bench/gpu-check.sh
# Usage: bench/gpu-stage.sh [STAGE]     (MVN_FLAGS="-o" for an offline build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAGE="${1:-$ROOT/.gpu}"
MVN_FLAGS="${MVN_FLAGS:-}"
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
mkdir -p "$STAGE/lib"

echo "gpu-stage: building the CLI jar and the backend-gpu test classes" >&2
./mvnw -q -B $MVN_FLAGS -DskipTests -pl cli -am install
./mvnw -q -B $MVN_FLAGS -DskipTests -pl backend-gpu test-compile
cp_file="$(mktemp)"
./mvnw -q -B $MVN_FLAGS -pl backend-gpu org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"

rm -f "$STAGE"/lib/*.jar
IFS=: read -r -a jars < "$cp_file" || true     # one line with no newline at its end
cp "${jars[@]}" "$STAGE/lib/"
rm -f "$cp_file"
# folders, not jars: KernelCompileTest hands nvcc the kernel sources as files on the class path
rm -rf "$STAGE/classes" "$STAGE/test-classes"
cp -r backend-gpu/target/classes "$STAGE/classes"
cp -r backend-gpu/target/test-classes "$STAGE/test-classes"
cp cli/target/llava4j.jar "$STAGE/llava4j.jar"

# the runtime changes only with the JDK: rebuilt when missing or older than the JDK's release file
if [[ ! -f "$STAGE/jre.txz" || "$JAVA_HOME/release" -nt "$STAGE/jre.txz" ]]; then
    echo "gpu-stage: linking a Java runtime" >&2
    # the CLI's modules, plus what JUnit needs (the JUnit jars are modular and would make jdeps resolve them as modules)
    modules="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 "$STAGE/llava4j.jar")"
    work="$(mktemp -d)"
    # uncompressed modules: xz then packs the class files far tighter than jlink's per-entry zip
    "$JAVA_HOME/bin/jlink" --add-modules "$modules,java.logging,jdk.zipfs" --strip-debug --no-header-files \
        --no-man-pages --compress=zip-0 --output "$work/jre"
    strip --strip-unneeded "$work/jre/lib/server/libjvm.so" 2>/dev/null || true
    tar -C "$work" -cJf "$STAGE/jre.txz" jre
    rm -rf "$work"
fi
du -sh "$STAGE" >&2
