#!/usr/bin/env bash
# Installs tlsaudit's default GeoIP databases (docs/geoip.md):
#   DIR/country.mmdb  built here from npm @ip-location-db/geo-whois-asn-country (CSV: IP range ->
#                     country, IPv4+IPv6; package licence CC0-1.0, data from the five RIRs via NRO,
#                     CC BY 4.0)
#   DIR/asn.mmdb      built here from npm @ip-location-db/asn (CSV: IP range -> ASN, organisation;
#                     RouteViews and DB-IP, CC BY 4.0)
# both by scripts/geoip/csv-to-mmdb.pl, which leaves out the reserved networks (private use,
# documentation...: the WHOIS rows place 172.16.0.0/12 in Australia)
# plus their licence files under DIR/licenses/ and DIR/SOURCES (packages, versions, date).
#
# Usage: scripts/install-geoip.sh [--update] [DIR]
#   DIR       default $TLSAUDIT_GEOIP_DIR, else /usr/local/share/tlsaudit/geoip (where tlsaudit looks)
#   --update  fetch the latest versions even when both files are already installed (files
#             installed by an older version of this script, from the prebuilt country .mmdb,
#             are replaced without it)
#   TLSAUDIT_GEOIP_VERSION=X  install that version of both packages instead of the latest
# Needs npm and Debian's libmaxmind-db-writer-perl (installed with apt-get when missing).
# Files are replaced atomically, so a running scan keeps the database it opened.
set -euo pipefail

update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
dir="${1:-${TLSAUDIT_GEOIP_DIR:-/usr/local/share/tlsaudit/geoip}}"
version="${TLSAUDIT_GEOIP_VERSION:-latest}"
country_pkg="@ip-location-db/geo-whois-asn-country"
asn_pkg="@ip-location-db/asn"
here="$(cd "$(dirname "$0")" && pwd)"

say() { echo "install-geoip: $*" >&2; }

if [ "$update" -eq 0 ] && [ -s "$dir/country.mmdb" ] && [ -s "$dir/asn.mmdb" ] &&
  grep -q "^country.mmdb $country_pkg@" "$dir/SOURCES" 2>/dev/null; then
  say "already installed in $dir (versions in $dir/SOURCES); --update fetches the latest"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
command -v npm >/dev/null 2>&1 || apt_install npm
perl -MMaxMind::DB::Writer::Tree -e1 2>/dev/null || apt_install libmaxmind-db-writer-perl

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Downloads one npm package into $work/<name>/package; prints its version.
fetch() {
  local pkg="$1" name="$2" tgz
  tgz="$(cd "$work" && npm pack --silent "$pkg@$version" 2>/dev/null | tail -n 1)"
  if [ -z "$tgz" ] || [ ! -f "$work/$tgz" ]; then say "npm pack $pkg@$version failed"; return 1; fi
  mkdir -p "$work/$name"
  tar -xzf "$work/$tgz" -C "$work/$name"
  sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/$name/package/package.json" | head -n 1
}

# database_type from the file's metadata (MaxMind::DB::Reader comes with the writer).
db_type() {
  perl -MMaxMind::DB::Reader -e 'print MaxMind::DB::Reader->new(file => $ARGV[0])->metadata->database_type' "$1"
}

say "downloading $country_pkg@$version"
country_version="$(fetch "$country_pkg" country)"
say "building country.mmdb from the CSV files"
perl "$here/geoip/csv-to-mmdb.pl" country "$work/country.mmdb" \
  "$work/country/package/geo-whois-asn-country-ipv4.csv" "$work/country/package/geo-whois-asn-country-ipv6.csv"
type="$(db_type "$work/country.mmdb")"
[ "$type" = "ip-location-db-country" ] || { say "unexpected database_type '$type' in the built country.mmdb"; exit 1; }

say "downloading $asn_pkg@$version"
asn_version="$(fetch "$asn_pkg" asn)"
say "building asn.mmdb from the CSV files (about half a minute)"
perl "$here/geoip/csv-to-mmdb.pl" asn "$work/asn.mmdb" \
  "$work/asn/package/asn-ipv4.csv" "$work/asn/package/asn-ipv6.csv"
type="$(db_type "$work/asn.mmdb")"
[ "$type" = "ip-location-db-ASN" ] || { say "unexpected database_type '$type' in the built asn.mmdb"; exit 1; }

{
  echo "country.mmdb $country_pkg@$country_version converted by scripts/geoip/csv-to-mmdb.pl (licence: CC0-1.0 package; data CC BY 4.0 NRO)"
  echo "asn.mmdb $asn_pkg@$asn_version converted by scripts/geoip/csv-to-mmdb.pl (licence: CC BY 4.0 RouteViews, DB-IP)"
  echo "installed $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$work/SOURCES"

mkdir -p "$work/licenses/country" "$work/licenses/asn"
cp "$work"/country/package/*LICENSE* "$work"/country/package/README.md "$work/licenses/country/" 2>/dev/null || true
cp "$work"/asn/package/*LICENSE* "$work"/asn/package/MODIFICATIONS "$work"/asn/package/README.md \
  "$work/licenses/asn/" 2>/dev/null || true

# Same-directory temporary names, then rename: atomic for readers.
"${sudo_cmd[@]}" mkdir -p "$dir/licenses/country" "$dir/licenses/asn"
for f in country.mmdb asn.mmdb SOURCES; do
  "${sudo_cmd[@]}" install -m 0644 "$work/$f" "$dir/.$f.new"
  "${sudo_cmd[@]}" mv -f "$dir/.$f.new" "$dir/$f"
done
for sub in country asn; do
  for f in "$work/licenses/$sub"/*; do "${sudo_cmd[@]}" install -m 0644 "$f" "$dir/licenses/$sub/"; done
done
say "installed $dir/country.mmdb ($country_pkg@$country_version) and $dir/asn.mmdb ($asn_pkg@$asn_version)"
