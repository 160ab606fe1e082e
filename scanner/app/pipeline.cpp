#include "pipeline.hpp"

#include "scan_session.hpp"

namespace tlsaudit::app {

scan_summary run_pipeline(std::istream& input, const pipeline_options& options) {
    scan_session session(input, options);
    net::scan_config net = options.net;
    net.sink_ready = [&session] { return session.ready(); };
    net::run_scan(
        net, [&session] { return session.next_target(); },
        [&session](scan_result&& r) { session.add_result(std::move(r)); });
    return session.finish();
}

}  // namespace tlsaudit::app
