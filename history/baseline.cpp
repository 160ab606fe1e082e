// A baseline from the history: the findings of the latest complete scan.

#include "history/store_impl.hpp"

namespace tlsaudit::history {

report::baseline store::latest_baseline() const {
    report::baseline b;
    try {
        auto& db = impl_->db;
        // An interrupted scan is missing targets: its absent findings are not resolved.
        auto latest = db.prepare(
            "SELECT id, started_at FROM scans WHERE complete = 1 ORDER BY started_epoch DESC, id DESC LIMIT 1");
        if (!latest.step()) {
            b.source = impl_->file.string() + " (no complete scan yet)";
            return b;
        }
        const auto scan_id = latest.integer(0);
        b.source = impl_->file.string() + " (scan started " + latest.text(1) + ")";
        auto findings = db.prepare(
            "SELECT t.host, t.port, k.finding_id, k.cert_sha256, k.severity, k.message FROM findings f "
            "JOIN targets t ON t.id = f.target_id JOIN finding_kinds k ON k.id = f.kind_id WHERE f.scan_id = ?1");
        findings.bind(1, scan_id);
        while (findings.step()) {
            report::finding_identity key{findings.text(0), static_cast<int>(findings.integer(1)), findings.text(2),
                                         findings.text(3)};
            const auto level = static_cast<severity>(std::clamp<std::int64_t>(findings.integer(4), 0, 4));
            b.findings.emplace(std::move(key),
                               report::baseline_finding{std::string(to_string(level)), findings.text(5)});
        }
    } catch (const sqlite::error& e) {
        throw detail::translate(e, impl_->file, impl_->options, "reading the latest scan");
    }
    return b;
}

}  // namespace tlsaudit::history
