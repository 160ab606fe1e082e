#pragma once
// The PEM files of tests/data/real, compiled in (see real_certs_data.cpp.in).

#include <cstddef>

namespace tlsaudit::lab::detail {

struct embedded_pem {
    const char* stem;  // file name without ".pem"
    const char* pem;
};

extern const embedded_pem embedded_real_certs[];
extern const std::size_t embedded_real_certs_count;

}  // namespace tlsaudit::lab::detail
