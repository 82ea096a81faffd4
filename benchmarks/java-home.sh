# Sourced by the benchmark scripts: benchmarks_java prints the java of the JDK the Maven
# toolchain chose for the build (recorded in target/java-settings.txt by exec-maven-plugin),
# because JMH forks the JVM that runs it.
benchmarks_java() {
  local settings
  settings="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/target/java-settings.txt"
  local java_home
  java_home="$(sed -n 's/^ *java\.home = //p' "$settings")"
  if [ -z "$java_home" ] || [ ! -x "$java_home/bin/java" ]; then
    echo "benchmarks: no JDK recorded in $settings; build with mvn package -pl benchmarks -am" >&2
    return 1
  fi
  echo "$java_home/bin/java"
}
