#!/usr/bin/perl
# Converts ip-location-db CSV files into one MaxMind DB file, leaving out the reserved
# networks (private use, loopback, documentation, shared, link-local...): whois-derived
# rows give 172.16.0.0/12 the country of the registry that holds it, which is no place.
#   asn:     start_ip,end_ip,asn,organisation per line (npm @ip-location-db/asn), written in
#            the GeoLite2-ASN record layout { autonomous_system_number => uint32,
#            autonomous_system_organization => string }, database_type "ip-location-db-ASN";
#   country: start_ip,end_ip,country_code per line (npm @ip-location-db/geo-whois-asn-country),
#            written as { country_code => string }, database_type "ip-location-db-country".
# tlsaudit recognises both types by name (docs/geoip.md).
#
# Usage: csv-to-mmdb.pl asn|country OUT.mmdb IN.csv [IN.csv ...]   (IPv4 and IPv6 files may be mixed)
# Needs Debian's libmaxmind-db-writer-perl.
use strict;
use warnings;

use MaxMind::DB::Writer::Tree;

die "usage: $0 asn|country OUT.mmdb IN.csv [IN.csv ...]\n"
    unless @ARGV >= 3 && ( $ARGV[0] eq 'asn' || $ARGV[0] eq 'country' );
my ( $kind, $out, @inputs ) = @ARGV;

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version    => 6,
    record_size   => 28,
    database_type => $kind eq 'asn' ? 'ip-location-db-ASN' : 'ip-location-db-country',
    languages     => ['en'],
    description   => {
        en => $kind eq 'asn'
        ? 'IP to ASN (ip-location-db asn: RouteViews, RIRs, DB-IP; CC BY 4.0)'
        : 'IP to country (ip-location-db geo-whois-asn-country: RIR WHOIS via NRO; CC BY 4.0)'
    },
    # No aliases: tlsaudit itself looks IPv4-mapped IPv6 addresses up as IPv4, and an
    # aliased 2001::/32 would clash with the Teredo rows of the IPv6 file.
    alias_ipv6_to_ipv4       => 0,
    remove_reserved_networks => 1,
    map_key_type_callback    => sub {
        return $_[0] eq 'autonomous_system_number' ? 'uint32' : 'utf8_string';
    },
);

my %seen_org;        # one Perl string per organisation keeps memory flat
my %seen_country;    # one record per country code
my $count = 0;
for my $input (@inputs) {
    open my $fh, '<:encoding(UTF-8)', $input or die "cannot read $input: $!\n";
    while ( my $line = <$fh> ) {
        $line =~ s/\r?\n\z//;
        next if $line eq '';
        if ( $kind eq 'country' ) {
            my ( $first, $last, $code ) = $line =~ /\A([^,]+),([^,]+),([A-Za-z]{2})\z/
                or die "$input:$.: not start,end,country_code: $line\n";
            $tree->insert_range( $first, $last, $seen_country{ uc $code } //= { country_code => uc $code } );
            ++$count;
            next;
        }
        my ( $first, $last, $asn, $org ) = $line =~ /\A([^,]+),([^,]+),(\d+),(.*)\z/
            or die "$input:$.: not start,end,asn,organisation: $line\n";
        if ( $org =~ /\A"(.*)"\z/s ) { ( $org = $1 ) =~ s/""/"/g }
        $org = $seen_org{$org} //= $org;
        my %record = ( autonomous_system_number => $asn + 0 );
        $record{autonomous_system_organization} = $org if $org ne '';
        $tree->insert_range( $first, $last, \%record );
        ++$count;
    }
    close $fh;
}
die "no ranges read from @inputs\n" unless $count;

my $tmp = "$out.tmp.$$";
open my $fh, '>:raw', $tmp or die "cannot write $tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $tmp: $!\n";
rename $tmp, $out or die "cannot rename $tmp to $out: $!\n";
print STDERR "wrote $out ($count ranges)\n";
