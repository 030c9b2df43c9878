# Shared by ./parley and scripts/test: finds a JDK >= PARLEY_MIN_JAVA (default 21).
# Source it, then: JDK="$(parley_find_jdk)" || ...
PARLEY_MIN_JAVA="${PARLEY_MIN_JAVA:-21}"

parley_java_major() { # prints the major version of the java binary $1, or nothing
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 0
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

parley_find_jdk() { # prints a JAVA_HOME whose java and javac are >= PARLEY_MIN_JAVA
  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  local d
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/*; do
    [[ -d "$d" ]] && candidates+=("$d")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local best="" best_major=0 c m
  for c in "${candidates[@]}"; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    m="$(parley_java_major "$c/bin/java")"
    [[ "$m" =~ ^[0-9]+$ ]] || continue
    if (( m >= PARLEY_MIN_JAVA && m > best_major )); then best="$c"; best_major=$m; fi
    # An explicit JAVA_HOME that is new enough wins over anything newer on the machine.
    if [[ -n "${JAVA_HOME:-}" && "$c" == "$JAVA_HOME" && $m -ge $PARLEY_MIN_JAVA ]]; then echo "$c"; return; fi
  done
  [[ -n "$best" ]] || return 1
  echo "$best"
}

