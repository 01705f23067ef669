# Every C file is clang-format clean (the style is .clang-format at the top).
set -u
. "$(dirname "$0")/../lib.sh"
if ! command -v clang-format >/dev/null; then
    skip "clang-format" "clang-format is not installed"
    exit 0
fi
out=$(make -s check-format 2>&1)
check "C sources are clang-format clean" "" "$(grep -E '^[^ ]+:[0-9]+:[0-9]+:' <<<"$out" | head -5)"
