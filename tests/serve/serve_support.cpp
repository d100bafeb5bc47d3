#include "tests/serve/serve_support.hpp"

#include <stdexcept>

#include "tests/support/test_support.hpp"

namespace revsearch::test {

const std::string& serve_sample_db() {
    static const TempDir dir;
    static const std::string db = [] {
        const std::string path = dir.file("samples.db");
        const ProcessResult r =
            run_index({"--db", path, (source_dir() / "corpus" / "samples").string(),
                       (fixtures_dir() / "serve" / "hostile.jsonl").string()});
        if (r.exit_code != 0) throw std::runtime_error("revsearch-index failed:\n" + r.err);
        return path;
    }();
    return db;
}

namespace {
query::ServerOptions on_free_port(const query::ServerOptions& given) {
    query::ServerOptions options = given;
    options.listen.host = "127.0.0.1";
    options.listen.port = 0;
    return options;
}
}  // namespace

RunningServer::RunningServer(const std::string& db) : RunningServer(db, query::ServerOptions()) {}

RunningServer::RunningServer(const std::string& db, const query::ServerOptions& options)
    : server_(db, on_free_port(options)) {
    server_.start();
}

httplib::Client RunningServer::client() const {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_connection_timeout(10, 0);
    c.set_read_timeout(10, 0);
    c.set_write_timeout(10, 0);
    c.set_keep_alive(true);
    return c;
}

Reply get(httplib::Client& client, const std::string& path, const httplib::Params& params,
          const httplib::Headers& headers) {
    Reply reply;
    const httplib::Result res = client.Get(path, params, headers);
    if (!res) return reply;
    reply.status = res->status;
    reply.body = res->body;
    reply.content_type = res->get_header_value("Content-Type");
    reply.json = nlohmann::json::parse(res->body, nullptr, false);
    if (reply.json.is_discarded()) reply.json = nullptr;
    return reply;
}

}  // namespace revsearch::test
