#!/usr/bin/perl
# Writes the small MaxMind DB files the geo tests use (committed beside this script).
# Run from anywhere:  perl tests/data/geo/make-test-mmdb.pl   (needs Debian's
# libmaxmind-db-writer-perl). The build epoch is fixed, so the output is reproducible.
#
# Networks (all special-purpose, so no real address is described):
#   127.0.0.0/8     DE  AS64496 "Loopback Lab Networks"
#   192.0.2.0/24    FR  AS64497 "TEST-NET-1 Example Org"
#   198.51.100.0/24 registered_country NL only (country db); AS64499 "Zürich Näherung GmbH"
#   2001:db8::/32   JP  AS64498 "Documentation IPv6 Example"
#   ::1/128         CH  AS64500 "IPv6 Loopback Lab"
# Files:
#   test-country.mmdb      GeoLite2-Country layout, database_type "tlsaudit-Test-Country"
#   test-asn.mmdb          GeoLite2-ASN layout, database_type "tlsaudit-Test-ASN"
#   test-country-flat.mmdb ip-location-db layout ({country_code}), database_type "country ipvAll"
#   test-asn-ipv4.mmdb     IPv4-only ASN database (IPv6 lookups cannot be answered)
#   test-unknown-type.mmdb database_type "tlsaudit-Test-Weather" (neither country nor ASN)
#   test-enterprise.mmdb   GeoIP2-Enterprise layout: country, and the ASN under "traits" (127.0.0.0/8)
#   test-asn-28.mmdb, test-asn-32.mmdb  test-asn.mmdb with 28- and 32-bit tree records
use strict;
use warnings;
use utf8;

use File::Basename qw(dirname);
use MaxMind::DB::Writer::Tree;

my $dir = dirname(__FILE__);

sub write_db {
    my ( $file, $type, $ip_version, $networks, $record_size ) = @_;
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => $ip_version,
        record_size              => $record_size // 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "tlsaudit test database ($file)" },
        remove_reserved_networks => 0,    # every network here is a reserved one
        map_key_type_callback    => sub {
            return $_[0] eq 'autonomous_system_number' ? 'uint32'
                : $_[0] =~ /\A(country|registered_country|names|traits)\z/ ? 'map'
                : $_[0] eq 'geoname_id' ? 'uint32'
                :                         'utf8_string';
        },
    );
    $tree->_set_build_epoch(1_700_000_000);
    for my $n (@$networks) { $tree->insert_network( $n->[0], $n->[1] ) }
    open my $fh, '>:raw', "$dir/$file" or die "cannot write $dir/$file: $!\n";
    $tree->write_tree($fh);
    close $fh or die "cannot write $dir/$file: $!\n";
    print "wrote $dir/$file\n";
}

sub country { return { country => { iso_code => $_[0], names => { en => $_[1] } } } }

sub asn {
    return { autonomous_system_number => $_[0], autonomous_system_organization => $_[1] };
}

write_db(
    'test-country.mmdb', 'tlsaudit-Test-Country', 6,
    [   [ '127.0.0.0/8',     country( 'DE', 'Germany' ) ],
        [ '192.0.2.0/24',    country( 'FR', 'France' ) ],
        [ '198.51.100.0/24', { registered_country => { iso_code => 'NL' } } ],
        [ '2001:db8::/32',   country( 'JP', 'Japan' ) ],
        [ '::1/128',         country( 'CH', 'Switzerland' ) ],
    ]
);
my @asn_networks = (
    [ '127.0.0.0/8',     asn( 64496, 'Loopback Lab Networks' ) ],
    [ '192.0.2.0/24',    asn( 64497, 'TEST-NET-1 Example Org' ) ],
    [ '198.51.100.0/24', asn( 64499, 'Zürich Näherung GmbH' ) ],
    [ '2001:db8::/32',   asn( 64498, 'Documentation IPv6 Example' ) ],
    [ '::1/128',         asn( 64500, 'IPv6 Loopback Lab' ) ],
);
write_db( 'test-asn.mmdb', 'tlsaudit-Test-ASN', 6, \@asn_networks );
write_db( "test-asn-$_.mmdb", 'tlsaudit-Test-ASN', 6, \@asn_networks, $_ ) for ( 28, 32 );
write_db(
    'test-country-flat.mmdb', 'country ipvAll', 6,
    [   [ '127.0.0.0/8',   { country_code => 'DE' } ],
        [ '192.0.2.0/24',  { country_code => 'FR' } ],
        [ '2001:db8::/32', { country_code => 'JP' } ],
    ]
);
write_db(
    'test-asn-ipv4.mmdb', 'tlsaudit-Test-ASN', 4,
    [ [ '127.0.0.0/8', asn( 64496, 'Loopback Lab Networks' ) ], [ '192.0.2.0/24', asn( 64497, 'TEST-NET-1 Example Org' ) ] ]
);
write_db(
    'test-enterprise.mmdb', 'GeoIP2-Enterprise', 6,
    [   [   '127.0.0.0/8',
            {   %{ country( 'DE', 'Germany' ) },
                traits => { autonomous_system_number => 64496, autonomous_system_organization => 'Loopback Lab Networks',
                            isp => 'Loopback ISP', connection_type => 'Corporate' }
            }
        ],
    ]
);
write_db( 'test-unknown-type.mmdb', 'tlsaudit-Test-Weather', 6,
    [ [ '127.0.0.0/8', { weather => 'sunny' } ] ] );
