#pragma once
// The real public CA certificates of tests/data/real/*.pem, compiled into the library
// so that `tlsaudit demo` and the tests need no file at run time.

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/model.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::lab {

// DER of every certificate in tests/data/real/<file_stem>.pem, in file order (each
// file holds one today), e.g. real_cert("globalsign-rsa-dv-ssl-ca-2018").
// Throws std::invalid_argument for an unknown stem. Thread-safe.
std::vector<bytes> real_cert(std::string_view file_stem);

// The PEM text of that file, as embedded. Throws std::invalid_argument when unknown.
std::string_view real_cert_pem(std::string_view file_stem);

// Every embedded stem, sorted.
std::vector<std::string> real_cert_names();

// A lab leaf for `name` that names the real intermediate `file_stem` as its issuer (signed
// by the lab's rsa_2048 key `key_index`, so it does not verify under the real key), with
// the lab key of `leaf_kind` and `key_index`. Serve it as {leaf.der, real_cert(stem)[0]}.
credential leaf_under_real(std::string_view file_stem, const std::string& name, std::size_t key_index,
                           key_kind leaf_kind = key_kind::ec_p256);

}  // namespace tlsaudit::lab
