// Fuzz target: the rules-file loader (scanner/audit/catalogue.cpp) and the date parser
// it uses. A document is either rejected with rules_error (never another exception) or
// yields a catalogue, which is then applied to a fixed real chain (the retired
// GlobalSign RSA DV SSL CA 2018 under its root) so that every rule kind, placeholder and
// severity override is exercised on the audit path.

#include "chain_fixture.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace tlsaudit;

const std::vector<bytes>& fixed_chain() {
    static const std::vector<bytes> chain = [] {
        std::vector<bytes> out;
        for (const char* name :
             {"leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem", "globalsign-rsa-dv-ssl-ca-2018.pem"}) {
            const bytes pem = fuzz::read_fixture(std::string("../data/real/") + name);
            for (auto& der : x509::pem_to_der(std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size())))
                out.push_back(std::move(der));
        }
        return out;
    }();
    return chain;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::fixed_store();
    (void)audit::default_catalogue();
    (void)fixed_chain();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (size <= 64) (void)audit::parse_time(text);

    audit::catalogue rules;
    try {
        rules = audit::parse_catalogue(text, "fuzz.json");
    } catch (const audit::rules_error& e) {
        fuzz::require(std::string_view(e.what()).starts_with("fuzz.json"), "rules_error does not name the source");
        return 0;
    }
    fuzz::require(!rules.version.empty(), "catalogue without a version");
    fuzz::audit_and_render(fixed_chain(), "www.analysys.cn", rules);
    return 0;
}
