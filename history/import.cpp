// Importing NDJSON scans into prepared statements, one transaction per scan: records come
// from report/'s reader as it reads them for the reports (import_session), or from a
// reader of our own that reads ahead on a thread (store::import_scan, record_reader.hpp).

#include "history/record_reader.hpp"
#include "history/store_impl.hpp"
#include "ossl/encoding.hpp"
#include "text/time_text.hpp"
#include <tlsaudit/history/import_session.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <iostream>
#include <span>
#include <unordered_map>

namespace tlsaudit::history {
namespace {

namespace json = boost::json;

std::string digest_of(std::string_view text) {
    return ossl::sha256_hex(std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

// Built in memory of its own: one new chain per endpoint in a fleet of distinct leaves.
std::string chain_json(const std::vector<report::cert_row>& chain) {
    std::array<unsigned char, 8192> block;
    json::monotonic_resource storage(block.data(), block.size());
    json::array certs(&storage);
    certs.reserve(chain.size());
    for (const auto& c : chain)
        certs.push_back(json::object({{"sha256", c.sha256},
                                      {"subject", c.subject},
                                      {"issuer", c.issuer},
                                      {"serial", c.serial},
                                      {"not_before", c.not_before},
                                      {"not_after", c.not_after},
                                      {"key", c.key}},
                                     &storage));
    return json::serialize(certs);
}

// One scan being imported: the prepared statements and the ids already looked up.
class scan_import {
public:
    explicit scan_import(sqlite::connection& db)
        : db_(db),
          insert_scan_(db.prepare("INSERT INTO scans(scan_key, started_at, started_epoch, shards, complete, endpoints, "
                                  "imported_at) VALUES('importing', '', 0, 0, 0, 0, '')")),
          find_target_(
              db.prepare("SELECT id FROM targets WHERE host = ?1 AND port = ?2 AND sni = ?3 AND starttls = ?4")),
          insert_target_(db.prepare("INSERT INTO targets(host, port, sni, starttls) VALUES(?1, ?2, ?3, ?4)")),
          find_chain_(db.prepare("SELECT id FROM chains WHERE fingerprint = ?1")),
          insert_chain_(db.prepare("INSERT INTO chains(fingerprint, leaf_sha256, leaf_subject, leaf_not_after, certs) "
                                   "VALUES(?1, ?2, ?3, ?4, ?5)")),
          find_kind_(db.prepare("SELECT id FROM finding_kinds WHERE digest = ?1")),
          insert_kind_(db.prepare("INSERT INTO finding_kinds(digest, finding_id, severity, rule, cert_sha256, "
                                  "cert_subject, message, remediation) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
          insert_endpoint_(db.prepare("INSERT INTO endpoints(scan_id, target_id, address, chain_id, error_code) "
                                      "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")),
          update_endpoint_(db.prepare("UPDATE endpoints SET chain_id = ?4, error_code = ?5 "
                                      "WHERE scan_id = ?1 AND target_id = ?2 AND address = ?3")),
          insert_finding_(db.prepare("INSERT OR IGNORE INTO findings(scan_id, target_id, address, kind_id, chain) "
                                     "VALUES(?1, ?2, ?3, ?4, ?5)")),
          forget_findings_(db.prepare("DELETE FROM findings WHERE scan_id = ?1 AND target_id = ?2 AND address = ?3")) {
        insert_scan_.run();
        scan_id_ = db.last_insert_rowid();
    }

    // One record line of the current file and the rows report/'s reader made of it.
    void add_line(std::string_view text, std::span<const report::endpoint_row> endpoints,
                  std::span<const report::name_row> names) {
        hash_.add(text);
        add_rows(endpoints, names);
    }

    // Rows whose lines were hashed elsewhere (end_file(hash) takes the file's hash).
    void add_rows(std::span<const report::endpoint_row> endpoints, std::span<const report::name_row> names) {
        for (const auto& e : endpoints) store_endpoint(e);
        for (const auto& n : names) {
            const auto target = target_id(n.host, n.port, n.sni, n.starttls);
            for (const auto& f : n.findings) store_finding(target, "", f);
        }
    }

    void end_file() {
        end_file(hash_.value, hash_.content);
        hash_ = {};
    }
    void end_file(std::uint64_t ordered, std::uint64_t content) {
        file_hashes_.push_back(fmt::format("c{:016x}", content));
        ordered_hashes_.push_back(fmt::format("{:016x}", ordered));
    }

    // The key of the files read so far: a digest of their hashes, in any order (`hashes`:
    // file_hashes_, or ordered_hashes_ for the key imports before 2026-12 stored).
    static std::string key(std::vector<std::string> hashes) {
        std::sort(hashes.begin(), hashes.end());
        std::string joined;
        for (const auto& h : hashes) joined += h + "\n";
        return digest_of(joined);
    }
    std::string key() const { return key(file_hashes_); }

    // The id of an identical scan imported before, if any: the same files, or every one of
    // them imported before in other company (one shard of a scan imported whole); under
    // either key.
    std::optional<std::int64_t> existing() {
        auto find = db_.prepare("SELECT id FROM scans WHERE scan_key IN (?1, ?2)");
        if (find.bind(1, key()).bind(2, key(ordered_hashes_)).step()) return find.integer(0);
        auto file_scan = db_.prepare("SELECT min(scan_id) FROM scan_files WHERE file_hash IN (?1, ?2)");
        std::optional<std::int64_t> first_scan;
        for (std::size_t i = 0; i < file_hashes_.size(); ++i) {
            if (!file_scan.bind(1, file_hashes_[i]).bind(2, ordered_hashes_[i]).step() || file_scan.is_null(0)) {
                first_scan.reset();
                break;
            }
            const auto id = file_scan.integer(0);
            first_scan = first_scan ? std::min(*first_scan, id) : id;
            file_scan.reset();
        }
        return first_scan;
    }

    // Fills in the scan row; returns the id of an identical scan imported before, if any.
    std::optional<std::int64_t> finish(const report::scan_meta& m, import_result& result) {
        if (const auto before = existing()) return before;
        const auto key = this->key();
        const auto now =
            text::rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
        // Hand-made records without a scan-start have no start time: the import's stands in.
        // A scan-start names its start; records without one (hand-made) take the import's.
        const auto started =
            m.shards == 0 ? now : detail::utc_start(m.started_at, m.sources.empty() ? "the scan" : m.sources.front());
        result.complete = m.shards > 0 && m.complete();
        result.started_at = started;
        std::string sources;
        for (const auto& s : m.sources) sources += (sources.empty() ? "" : "\n") + s;
        auto update = db_.prepare(
            "UPDATE scans SET scan_key = ?2, started_at = ?3, started_epoch = coalesce(unixepoch(?3), 0), "
            "finished_at = nullif(?4, ''), tool_version = ?5, rules_version = ?6, input = ?7, shards = ?8, "
            "complete = ?9, endpoints = ?10, imported_at = ?11, trust_store = ?12, sources = ?13 WHERE id = ?1");
        update.bind(1, scan_id_).bind(2, key).bind(3, started).bind(4, m.finished_at).bind(5, m.tool_version);
        update.bind(6, m.rules_version).bind(7, m.input).bind(8, static_cast<std::int64_t>(m.shards));
        update.bind(9, std::int64_t{result.complete}).bind(10, static_cast<std::int64_t>(endpoints_));
        update.bind(11, now).bind(12, m.trust_store).bind(13, sources);
        update.run();
        auto file_row = db_.prepare("INSERT OR IGNORE INTO scan_files(file_hash, scan_id) VALUES(?1, ?2)");
        for (const auto& h : file_hashes_) {
            file_row.bind(1, h).bind(2, scan_id_).run();
        }
        detail::summarize_scan(db_, scan_id_);
        result.scan_id = scan_id_;
        result.endpoints = endpoints_;
        result.findings = findings_;
        return std::nullopt;
    }

private:
    void store_endpoint(const report::endpoint_row& e) {
        const auto target = target_id(e.host, e.port, e.sni, e.starttls);
        const auto chain = e.chain.empty() ? std::nullopt : std::optional(chain_id(e.chain));
        const auto row = [&](sqlite::statement& st) {
            st.bind(1, scan_id_).bind(2, target).bind_borrowed(3, e.address).bind(4, chain);
            if (e.error_code.empty()) st.bind_null(5);
            else st.bind_borrowed(5, e.error_code);
            st.run();
        };
        row(insert_endpoint_);
        if (db_.changes() > 0) {
            ++endpoints_;
        } else {
            // The same endpoint twice in one scan (a shard read twice): the last one read
            // wins, as in report/'s merge.
            forget_findings_.bind(1, scan_id_).bind(2, target).bind_borrowed(3, e.address).run();
            row(update_endpoint_);
        }
        for (const auto& f : e.findings) store_finding(target, e.address, f);
    }

    void store_finding(std::int64_t target, const std::string& address, const report::finding_row& f) {
        insert_finding_.bind(1, scan_id_)
            .bind(2, target)
            .bind_borrowed(3, address)
            .bind(4, kind_id(f))
            .bind(5, f.chain);
        insert_finding_.run();
        ++findings_;
    }

    std::int64_t target_id(const std::string& host, int port, const std::string& sni, const std::string& starttls) {
        find_target_.bind_borrowed(1, host).bind(2, port).bind_borrowed(3, sni).bind_borrowed(4, starttls);
        if (find_target_.step()) {
            const auto id = find_target_.integer(0);
            find_target_.reset();
            return id;
        }
        find_target_.reset();
        insert_target_.bind_borrowed(1, host).bind(2, port).bind_borrowed(3, sni).bind_borrowed(4, starttls).run();
        return db_.last_insert_rowid();
    }

    std::int64_t chain_id(const std::vector<report::cert_row>& chain) {
        std::string joined;
        for (const auto& c : chain) joined += c.sha256 + ",";
        const auto fingerprint = digest_of(joined);
        if (const auto it = chains_.find(fingerprint); it != chains_.end()) return it->second;
        std::int64_t id = 0;
        if (find_chain_.bind_borrowed(1, fingerprint).step()) {
            id = find_chain_.integer(0);
        } else {
            const auto& leaf = chain.front();
            const auto certs = chain_json(chain);
            insert_chain_.bind_borrowed(1, fingerprint).bind_borrowed(2, leaf.sha256).bind_borrowed(3, leaf.subject);
            insert_chain_.bind_borrowed(4, leaf.not_after).bind_borrowed(5, certs).run();
            id = db_.last_insert_rowid();
        }
        find_chain_.reset();
        remember(chains_, fingerprint, id);
        return id;
    }

    std::int64_t kind_id(const report::finding_row& f) {
        const auto level = std::to_string(static_cast<int>(f.level));
        const auto digest = digest_of(f.id + '\0' + level + '\0' + f.rule + '\0' + f.cert_sha256 + '\0' +
                                      f.cert_subject + '\0' + f.message + '\0' + f.remediation);
        if (const auto it = kinds_.find(digest); it != kinds_.end()) return it->second;
        std::int64_t id = 0;
        if (find_kind_.bind_borrowed(1, digest).step()) {
            id = find_kind_.integer(0);
        } else {
            insert_kind_.bind_borrowed(1, digest).bind_borrowed(2, f.id).bind(3, static_cast<std::int64_t>(f.level));
            insert_kind_.bind_borrowed(4, f.rule).bind_borrowed(5, f.cert_sha256).bind_borrowed(6, f.cert_subject);
            insert_kind_.bind_borrowed(7, f.message).bind_borrowed(8, f.remediation);
            insert_kind_.run();
            id = db_.last_insert_rowid();
        }
        find_kind_.reset();
        remember(kinds_, digest, id);
        return id;
    }

    // The ids of chains and finding texts met lately. Bounded: a fleet of distinct leaves
    // would otherwise keep every fingerprint of the scan in memory, while what repeats
    // (shared chains, the same finding on many endpoints) comes back soon; the rest is
    // found by the UNIQUE index.
    static void remember(std::unordered_map<std::string, std::int64_t>& ids, const std::string& key, std::int64_t id) {
        constexpr std::size_t limit = 1 << 16;
        if (ids.size() >= limit) ids.clear();
        ids.emplace(key, id);
    }

    sqlite::connection& db_;
    sqlite::statement insert_scan_, find_target_, insert_target_, find_chain_, insert_chain_, find_kind_, insert_kind_,
        insert_endpoint_, update_endpoint_, insert_finding_, forget_findings_;
    std::int64_t scan_id_ = 0;
    detail::line_hash hash_;
    std::vector<std::string> file_hashes_;     // "c" + content hash of each file: stored
    std::vector<std::string> ordered_hashes_;  // the ordered hash of each: matched only
    std::unordered_map<std::string, std::int64_t> chains_, kinds_;
    std::size_t endpoints_ = 0, findings_ = 0;
};

}  // namespace

struct import_session::impl {
    detail::store_impl& store;
    sqlite::transaction tx;
    scan_import scan;
    bool finished = false;

    explicit impl(detail::store_impl& s) : store(s), tx(s.db), scan(s.db) {}

    [[noreturn]] void fail(const sqlite::error& e) const {
        throw detail::translate(e, store.file, store.options, "importing");
    }
};

import_session::import_session(store& db) {
    auto& s = db.impl();
    try {
        s.db.exec("PRAGMA cache_size = -65536");  // 64 MiB: the indexes of a large scan stay in memory
        impl_ = std::make_unique<impl>(s);
    } catch (const sqlite::error& e) {
        throw detail::translate(e, s.file, s.options, "importing");
    }
}

import_session::~import_session() = default;

void import_session::record(std::string_view line, std::span<report::endpoint_row> endpoints,
                            std::span<report::name_row> names) {
    try {
        impl_->scan.add_line(line, endpoints, names);
    } catch (const sqlite::error& e) {
        impl_->fail(e);
    }
}

void import_session::end_file() { impl_->scan.end_file(); }

void import_session::rows(std::span<const report::endpoint_row> endpoints, std::span<const report::name_row> names) {
    try {
        impl_->scan.add_rows(endpoints, names);
    } catch (const sqlite::error& e) {
        impl_->fail(e);
    }
}

void import_session::end_file(std::uint64_t ordered_hash, std::uint64_t content_hash) {
    impl_->scan.end_file(ordered_hash, content_hash);
}

std::optional<std::int64_t> import_session::stored_scan() {
    try {
        return impl_->scan.existing();
    } catch (const sqlite::error& e) {
        impl_->fail(e);
    }
}

import_result import_session::finish(const report::scan_meta& meta) {
    if (impl_->finished) throw std::logic_error("import_session::finish called twice");
    impl_->finished = true;
    import_result result;
    try {
        if (const auto existing = impl_->scan.finish(meta, result)) {
            result.scan_id = *existing;
            result.already_present = true;
            return result;  // rolled back by the destructor: the database is as it was
        }
        impl_->tx.commit();
    } catch (const sqlite::error& e) {
        impl_->fail(e);
    }
    return result;
}

import_result store::import_scan(const std::vector<std::filesystem::path>& files) {
    import_session session(*this);
    report::scan_meta meta;
    for (const auto& file : files) {
        const bool from_stdin = file == "-";
        std::ifstream stream;
        if (!from_stdin) {
            stream.open(file, std::ios::binary);
            if (!stream) throw std::runtime_error("cannot read " + file.string());
        }
        const std::string name = from_stdin ? "stdin" : file.string();
        // Read ahead on a thread of its own; the rows go to the database as they come.
        detail::record_reader reader(from_stdin ? std::cin : stream, name, std::move(meta));
        while (const auto batch = reader.next()) session.rows(batch->endpoints, batch->names);
        // An empty file is no scan: stored, it would be one of nothing, dated by the import.
        if (reader.records() == 0) throw std::runtime_error(name + " holds no record");
        session.end_file(reader.hash().value, reader.hash().content);
        meta = reader.take_meta();
    }
    return session.finish(meta);
}

}  // namespace tlsaudit::history
