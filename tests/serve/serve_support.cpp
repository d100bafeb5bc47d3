#include "tests/serve/serve_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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

RawConnection::RawConnection(int port, const std::string& address, const std::string& from) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (!from.empty()) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        if (::inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1 ||
            ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
            ::close(fd_);
            throw std::runtime_error("cannot bind a client socket to " + from);
        }
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1 ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot connect to " + address + ":" + std::to_string(port));
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string RawConnection::read_all(std::chrono::milliseconds timeout) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return out;
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return out;
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;
    }
}

int status_of(const std::string& response) {
    // "HTTP/1.1 403 ..."
    if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
    const std::size_t space = response.find(' ');
    if (space == std::string::npos || space + 4 > response.size()) return 0;
    try {
        return std::stoi(response.substr(space + 1, 3));
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace revsearch::test
