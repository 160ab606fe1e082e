// A baseline from the history: the findings of the latest complete scan, and for a target
// it could not scan or did not hold, those of the latest complete scan that scanned it.

#include "history/store_impl.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace tlsaudit::history {

report::baseline store::latest_baseline(std::optional<std::int64_t> except) const {
    report::baseline b;
    try {
        auto& db = impl_->db;
        // An interrupted scan is missing targets: its absent findings are not resolved.
        // With a scan left out (the one being reported, stored already), the latest before it:
        // a run repeated after a later one compares with what came before it, as it did.
        auto latest = db.prepare(
            "SELECT id, started_at FROM scans WHERE complete = 1 AND (?1 IS NULL OR (id != ?1 AND "
            "(started_epoch, id) < (SELECT started_epoch, id FROM scans WHERE id = ?1))) "
            "ORDER BY started_epoch DESC, id DESC LIMIT 1");
        if (except) latest.bind(1, *except);
        else latest.bind_null(1);
        if (!latest.step()) {
            b.source = impl_->file.string() + " (no complete scan yet)";
            return b;
        }
        const auto scan_id = latest.integer(0);
        b.source = impl_->file.string() + " (scan started " + latest.text(1) + ")";
        auto findings = db.prepare(
            "SELECT t.host, t.port, k.finding_id, k.cert_sha256, k.severity, k.message, t.sni, t.starttls FROM "
            "findings f "
            "JOIN targets t ON t.id = f.target_id JOIN finding_kinds k ON k.id = f.kind_id "
            "WHERE f.scan_id = ?1 AND (?2 IS NULL OR f.target_id = ?2)");
        auto add = [&](std::int64_t scan, std::optional<std::int64_t> target) {
            findings.reset();
            findings.bind(1, scan);
            if (target) findings.bind(2, *target);
            else findings.bind_null(2);
            while (findings.step()) {
                const auto host = findings.text(0);
                report::finding_identity key{host,
                                             static_cast<int>(findings.integer(1)),
                                             findings.text(2),
                                             findings.text(3),
                                             report::identity_sni(host, findings.text(6)),
                                             findings.text(7)};
                const auto level = static_cast<severity>(std::clamp<std::int64_t>(findings.integer(4), 0, 4));
                b.findings.emplace(std::move(key),
                                   report::baseline_finding{std::string(to_string(level)), findings.text(5)});
            }
        };
        add(scan_id, std::nullopt);
        // A target that could not be scanned in that scan (an endpoint of it failed), or was
        // not in it (left out of the target list, a shard of another split), proved nothing:
        // its findings are also those of the latest complete scan that scanned it, as a file baseline
        // carries them on in `not_verified`. Otherwise a server down for one run, or a site
        // left out of one run, would bring its known findings back as new. Only targets that
        // ever had a finding (sightings) can add any.
        std::vector<std::int64_t> unverified;
        auto failed = db.prepare(
            "SELECT DISTINCT target_id FROM endpoints WHERE scan_id = ?1 AND error_code IS NOT NULL "
            "UNION SELECT DISTINCT target_id FROM sightings WHERE target_id NOT IN "
            "(SELECT target_id FROM endpoints WHERE scan_id = ?1)");
        failed.bind(1, scan_id);
        while (failed.step()) unverified.push_back(failed.integer(0));
        auto earlier = db.prepare(
            "SELECT id FROM scans WHERE complete = 1 AND id != ?1 AND id IS NOT ?2 AND started_epoch <= "
            "(SELECT started_epoch FROM scans WHERE id = ?1) ORDER BY started_epoch DESC, id DESC");
        earlier.bind(1, scan_id);
        if (except) earlier.bind(2, *except);
        else earlier.bind_null(2);
        // Scanned: at least one of its endpoints answered (a name whose IPv6 address always
        // fails is scanned through its IPv4 one, as a file baseline has it).
        auto verified = db.prepare(
            "SELECT coalesce(sum(error_code IS NULL), 0) > 0 FROM endpoints WHERE scan_id = ?1 AND target_id = ?2");
        while (!unverified.empty() && earlier.step()) {
            const auto scan = earlier.integer(0);
            std::erase_if(unverified, [&](std::int64_t target) {
                verified.reset();
                verified.bind(1, scan);
                verified.bind(2, target);
                if (!verified.step() || verified.integer(0) == 0) return false;
                add(scan, target);
                return true;
            });
        }
    } catch (const sqlite::error& e) {
        throw detail::translate(e, impl_->file, impl_->options, "reading the latest scan");
    }
    return b;
}

}  // namespace tlsaudit::history
