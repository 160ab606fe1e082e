#pragma once
// Host names as DNS and SNI want them. Thread-safe (libidn2 is reentrant).

#include "outcome.hpp"

#include <string>
#include <string_view>

namespace tlsaudit::targets::detail {

// Normalises a host name written by a person into the form used for DNS and SNI:
//  - one trailing dot removed (an absolute name and its relative form are one target);
//  - ASCII labels lower-cased and kept as written: labels already in A-label form
//    ("xn--...") and labels such as "r3---sn-x" are valid DNS names that IDNA2008 would
//    refuse, and the scanner must reach what the user named;
//  - labels with non-ASCII characters converted to A-labels by libidn2 in UTS #46
//    non-transitional mode (IDNA2008: "faß.de" -> "xn--fa-hia.de"), as current browsers
//    do. No fallback to transitional mode: it would silently turn "faß.de" into "fass.de"
//    or drop a ZWJ, i.e. scan a different host from the one browsers reach; a name that
//    non-transitional processing refuses is reported as an error instead; so is a label
//    mixing Latin, Greek and Cyrillic letters, a look-alike name (script_mix.hpp);
//  - the result validated: 1..253 bytes, labels of 1..63 bytes of [a-z0-9-_] (underscore
//    is allowed: real DNS names use it), no label starts or ends with '-', and the last
//    label is not all digits (that would be a malformed IPv4 address such as 1.2.3.256).
// Returns a failure naming the problem; never throws on bad input.
outcome<std::string> normalise_hostname(std::string_view name);

}  // namespace tlsaudit::targets::detail
