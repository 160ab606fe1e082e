#pragma once
// The real public CA certificates of tests/data/real/*.pem, compiled into the library
// so that `tlsaudit demo` and the tests need no file at run time.

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

}  // namespace tlsaudit::lab
