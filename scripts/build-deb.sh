#!/usr/bin/env bash
# Builds the Debian package of mailgate: dist/mailgate_<version>_<arch>.deb
#
#   scripts/build-deb.sh [--binary PATH] [--out DIR]
#
# Without --binary: a release build of the `mailgate` product with the Swift runtime linked
# statically (the package then runs without a Swift toolchain). With --binary: packages that
# binary as it is (the test suite passes the debug binary it already built; a binary linked
# to the Swift runtime dynamically only runs where that runtime is installed).
#
# Man pages come from swift-argument-parser's generate-manual tool (the tool behind its
# `generate-manual` plugin; the plugin itself first rebuilds the whole package in release,
# which the suite cannot afford), built from the resolved checkout of the package's own
# dependency and run on the binary being packaged; scripts/manpages.py names them like
# Debian does (mailgate-tui.1) and adds the console's key table to mailgate-tui(1).
# Completions come from `mailgate --generate-completion-script`. No network is needed
# once the dependencies are resolved.
#
# Environment: DEB_COMPRESSION (dpkg-deb -Z: xz, gzip, zstd, none; default xz),
# SOURCE_DATE_EPOCH (the man pages' date; default: the last commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

BINARY=""
OUT="$REPO/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --binary=*) BINARY="${1#*=}"; shift ;;
        --out) OUT="$2"; shift 2 ;;
        --out=*) OUT="${1#*=}"; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-deb.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

for tool in dpkg-deb gzip python3 strip; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is missing" >&2; exit 1; }
done

if [ -z "$BINARY" ]; then
    echo "build-deb.sh: release build of mailgate (static Swift runtime)…" >&2
    swift build -c release --product mailgate --static-swift-stdlib >&2
    BINARY="$(swift build -c release --static-swift-stdlib --show-bin-path)/mailgate"
fi
[ -x "$BINARY" ] || { echo "build-deb.sh: no executable at $BINARY" >&2; exit 1; }
BINARY=$(realpath "$BINARY")

VERSION=$("$BINARY" --version)
ARCH=$(dpkg --print-architecture)
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH
DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)

WORK=$(mktemp -d /tmp/mailgate-deb.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"

# ---------------------------------------------------------------- the files
install -d "$ROOT/usr/bin" "$ROOT/lib/systemd/system" "$ROOT/usr/lib/tmpfiles.d" "$ROOT/etc/mailgate" \
    "$ROOT/usr/share/man/man1" "$ROOT/usr/share/bash-completion/completions" \
    "$ROOT/usr/share/zsh/vendor-completions" "$ROOT/usr/share/fish/vendor_completions.d" \
    "$ROOT/usr/share/doc/mailgate/examples" "$ROOT/DEBIAN"
install -m 0755 "$BINARY" "$ROOT/usr/bin/mailgate"
strip --strip-unneeded "$ROOT/usr/bin/mailgate"
install -m 0644 contrib/mailgate.service "$ROOT/lib/systemd/system/mailgate.service"
install -m 0644 packaging/deb/tmpfiles.conf "$ROOT/usr/lib/tmpfiles.d/mailgate.conf"
install -m 0644 packaging/deb/mailgate.toml packaging/deb/access.toml "$ROOT/etc/mailgate/"

# Completions.
"$BINARY" --generate-completion-script bash > "$ROOT/usr/share/bash-completion/completions/mailgate"
"$BINARY" --generate-completion-script zsh > "$ROOT/usr/share/zsh/vendor-completions/_mailgate"
"$BINARY" --generate-completion-script fish > "$ROOT/usr/share/fish/vendor_completions.d/mailgate.fish"
chmod 0644 "$ROOT"/usr/share/bash-completion/completions/mailgate "$ROOT"/usr/share/zsh/vendor-completions/_mailgate \
    "$ROOT"/usr/share/fish/vendor_completions.d/mailgate.fish

# Man pages: generate-manual from the resolved swift-argument-parser checkout.
SAP="$REPO/.build/checkouts/swift-argument-parser"
if [ ! -f "$SAP/Package.swift" ]; then
    echo "build-deb.sh: resolving the dependencies for swift-argument-parser's generate-manual…" >&2
    swift package resolve >&2
fi
GM_SCRATCH="$REPO/.build/generate-manual"
echo "build-deb.sh: building generate-manual (swift-argument-parser $(git -C "$SAP" describe --tags 2>/dev/null || echo '?'))…" >&2
# Debug: it builds in a quarter of the time of a release build, and runs for a second.
swift build --package-path "$SAP" --scratch-path "$GM_SCRATCH" -c debug --product generate-manual >&2
GENERATE_MANUAL="$GM_SCRATCH/debug/generate-manual"
mkdir -p "$WORK/man-generated"
"$GENERATE_MANUAL" "$BINARY" --multi-page --date "$DATE" --authors "the mailgate maintainers" \
    --output-directory "$WORK/man-generated" >&2
"$BINARY" tui --print-keys-markdown > "$WORK/keys.md"
python3 scripts/manpages.py "$WORK/man-generated" "$ROOT/usr/share/man/man1" "$WORK/keys.md" >/dev/null
for page in "$ROOT"/usr/share/man/man1/*.1; do
    chmod 0644 "$page"
    gzip -9n "$page"
done

# Documentation and the contrib files.
install -m 0644 README.md "$ROOT/usr/share/doc/mailgate/README.md"
cp -r contrib/fail2ban contrib/grafana "$ROOT/usr/share/doc/mailgate/examples/"
install -m 0644 examples/mailgate.toml examples/access.toml "$ROOT/usr/share/doc/mailgate/examples/"
cat > "$ROOT/usr/share/doc/mailgate/copyright" <<'COPYRIGHT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: mailgate
Comment: Built by scripts/build-deb.sh from the mailgate repository.
COPYRIGHT
find "$ROOT/usr/share/doc" -type d -exec chmod 0755 {} +
find "$ROOT/usr/share/doc" -type f -exec chmod 0644 {} +

# ---------------------------------------------------------------- control
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$ROOT/DEBIAN/"
printf '/etc/mailgate/mailgate.toml\n/etc/mailgate/access.toml\n' > "$ROOT/DEBIAN/conffiles"
DEPENDS="adduser, libc6, libgcc-s1, libstdc++6, libncursesw6, libtinfo6"
if readelf -d "$ROOT/usr/bin/mailgate" 2>/dev/null | grep -q 'libswiftCore'; then
    echo "build-deb.sh: note: $BINARY links the Swift runtime dynamically; the package runs only where it is installed" >&2
fi
INSTALLED_SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$INSTALLED_SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" packaging/deb/control.in > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print0 | sort -z \
    | xargs -0 md5sum | sed 's| \./| |') > "$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/conffiles" "$ROOT/DEBIAN/md5sums"

mkdir -p "$OUT"
DEB="$OUT/mailgate_${VERSION}_${ARCH}.deb"
dpkg-deb --build --root-owner-group -Z"${DEB_COMPRESSION:-xz}" "$ROOT" "$DEB" >&2
echo "$DEB"
