#pragma once
// A real OCSP responder (RFC 6960 POST and RFC 5019 GET) on loopback, in-process on
// OpenSSL's OCSP API, answering for the certificates of one lab CA. It counts every
// request, in total and per serial, so tests can prove deduplication at the server.
//
// Runs on its own http_server thread. Every member is thread-safe. Binds to loopback
// only (std::invalid_argument otherwise).

#include <tlsaudit/lab/http_server.hpp>
#include <tlsaudit/lab/revocation_data.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tlsaudit::lab {

enum class responder_mode {
    normal,      // signed answers from the status table
    stall,       // read the request, never answer
    http_error,  // HTTP 500
    try_later,   // OCSPResponse with responseStatus tryLater
    garbage,     // HTTP 200 with bytes that are not an OCSPResponse
};

class ocsp_responder {
public:
    // Answers for certificates issued by `issuer`; responses are signed as `options`
    // says (by default by the issuer itself, valid from an hour ago for a day).
    explicit ocsp_responder(credential issuer, ocsp_response_options options = {},
                            const std::string& bind_address = "127.0.0.1");
    ~ocsp_responder();
    ocsp_responder(const ocsp_responder&) = delete;
    ocsp_responder& operator=(const ocsp_responder&) = delete;

    // Status of one serial (big-endian magnitude); serials never set answer `fallback`
    // (good unless changed). A request for another CA's certificate answers unknown.
    void set(std::span<const unsigned char> serial, revocation_entry entry);
    void set_fallback(revocation_entry entry);
    void set_mode(responder_mode mode);
    void set_options(ocsp_response_options options);

    // "http://127.0.0.1:<port>/ocsp": put it in cert_spec::ocsp_url.
    std::string url() const;
    // HTTP requests received at /ocsp (GET or POST, decodable or not).
    std::uint64_t request_count() const;
    // SingleRequests received for one serial.
    std::uint64_t request_count(std::span<const unsigned char> serial) const;
    // Distinct serials asked about.
    std::size_t distinct_serials() const;

    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::lab
