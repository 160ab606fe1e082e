// One per-program judgement per distinct chain (tlsaudit/program_trust.hpp).

#include <tlsaudit/program_trust.hpp>

namespace tlsaudit::audit {

std::shared_ptr<const program_judgement> program_cache::judge(const endpoint_result& result, time_point at,
                                                              const std::shared_ptr<const chain_verdict>& verdict,
                                                              const catalogue& rules) {
    if (result.cap.error || result.cap.chain.empty()) return nullptr;
    if (verdict) {
        std::lock_guard lock(mutex_);
        if (const auto it = judged_.find(verdict); it != judged_.end()) return it->second;
    }
    chain_input in;
    in.served = result.cap.chain;
    in.certs = result.certs;
    in.at = at;
    in.verdict = verdict.get();
    // Judged outside the lock: other chains need not wait for this one.
    auto judged = std::make_shared<const program_judgement>(judge_chain_programs(in, rules));
    std::lock_guard lock(mutex_);
    ++judgements_;
    if (!verdict) return judged;
    // Bounded as the verification cache is: the keys hold their verdicts alive.
    if (judged_.size() >= max_entries && !judged_.contains(verdict)) judged_.clear();
    return judged_.try_emplace(verdict, std::move(judged)).first->second;
}

std::size_t program_cache::judgements() const {
    std::lock_guard lock(mutex_);
    return judgements_;
}

}  // namespace tlsaudit::audit
