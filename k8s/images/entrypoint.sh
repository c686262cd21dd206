#!/bin/sh
# Entry point of every Overfit Guard image: the JVM of the base image (java on the PATH) starting the
# service's Quarkus fast-jar. It needs only /bin/sh and a Java 17 runtime, so any base works (UBI,
# Temurin, Debian's openjdk-17-jre-headless); no vendor launcher script.
#
#   java -XX:MaxRAMPercentage=$JAVA_MAX_RAM_PERCENTAGE  (heap from the container's memory limit)
#        -XX:+ExitOnOutOfMemoryError                    (a dead JVM is restarted; a sick one is not)
#        $JAVA_OPTS_APPEND                              (the manifests' options; the last -XX wins)
#        -jar /deployments/quarkus-run.jar "$@"
#
# The JVM reads the memory limit from the container's cgroup (v1 or v2) itself; MaxRAMPercentage
# says how much of it the heap may take. 50 % leaves the rest to metaspace, threads and, in trainer
# and evaluator, libtorch's tensors, which live outside the heap.
set -eu
# A GPU image carries its own libtorch (LIBTORCH_FLAVOR set at build time, e.g. cu128): point DJL at
# it, unless the deployment set these itself.
if [ -n "${LIBTORCH_FLAVOR:-}" ]; then
    export PYTORCH_LIBRARY_PATH="${PYTORCH_LIBRARY_PATH:-/opt/libtorch/lib}"
    export PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-$LIBTORCH_FLAVOR}"
    export PYTORCH_VERSION="${PYTORCH_VERSION:-${LIBTORCH_VERSION:-}}"
    export LD_LIBRARY_PATH="$PYTORCH_LIBRARY_PATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# JAVA_OPTS_APPEND is split on spaces on purpose: it is a list of JVM options.
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage="${JAVA_MAX_RAM_PERCENTAGE:-50}" -XX:+ExitOnOutOfMemoryError \
    ${JAVA_OPTS_APPEND:-} -jar /deployments/quarkus-run.jar "$@"
