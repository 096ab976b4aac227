# Sourced by spark/job and spark/cluster: builds the jars when the sources are newer, lays out the
# Spark jars Maven fetched as a Spark home, and picks the JDK and the flags Spark needs.
# JAVA_HOME wins; otherwise the newest JDK 21+ under /usr/lib/jvm (the SIMD kernels), else java on the PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$root/pom.xml" | head -1)
core_jar="$root/core/target/striate-core-$version.jar"
spark_jar="$root/spark/target/striate-spark-$version.jar"
export SPARK_HOME="$root/spark/target/spark-home"

if [[ ! -f "$spark_jar" || ! -f "$core_jar" || ! -d "$SPARK_HOME/jars" || -n "$(find "$root/pom.xml" "$root/core/pom.xml" "$root/spark/pom.xml" \
      "$root/core/src/main" "$root/spark/src/main" -newer "$spark_jar" -type f -print -quit 2>/dev/null)" ]]; then
  echo "spark: building $spark_jar ..." >&2
  (cd "$root" && mvn -q -B -ntp -pl core,spark -DskipTests package) >&2
fi
# Spark's launcher finds its jars under SPARK_HOME/jars when a RELEASE file marks a distribution
touch "$SPARK_HOME/RELEASE"
export SPARK_SCALA_VERSION=2.13

java="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  best=0
  for home in /usr/lib/jvm/*/; do
    [[ -x "${home}bin/java" && -f "${home}release" ]] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${home}release")
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if (( v >= 21 && v > best )); then best=$v; java="${home}bin/java"; export JAVA_HOME="${home%/}"; fi
  done
fi

# what Spark passes to its own JVMs on Java 17+ (launcher JavaModuleOptions), plus the Vector API and the
# JIT options (jit.options, read by the java launcher as an argument file)
spark_jvm_opts=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+IgnoreUnrecognizedVMOptions
  "@$root/jit.options"
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
