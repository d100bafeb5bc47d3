#include "query/connection_guard.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

namespace revsearch::query {

namespace {

using Clock = std::chrono::steady_clock;

thread_local bool t_refusing = false;

std::string numeric_host(const sockaddr_storage& addr, socklen_t len, int* port) {
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv,
                    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return "";
    }
    if (port != nullptr) *port = std::atoi(serv);
    return host;
}

/// Waits up to `wait` for `events` on `sock`; false on timeout or error.
bool wait_for(socket_t sock, short events, std::chrono::milliseconds wait) {
    const auto end = Clock::now() + wait;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
        pollfd p{sock, events, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (ready < 0 && errno == EINTR) continue;
        return ready > 0;
    }
}

/// A socket stream whose reads stop at a deadline: a request's headers must all arrive by it,
/// however slowly they trickle in.
class DeadlineStream final : public httplib::Stream {
  public:
    DeadlineStream(socket_t sock, std::chrono::milliseconds read_timeout,
                   std::chrono::milliseconds write_timeout)
        : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

    void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

    /// The shorter of the read timeout and what is left before the deadline.
    [[nodiscard]] std::chrono::milliseconds read_wait() const {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
        return std::clamp(left, std::chrono::milliseconds(0), read_timeout_);
    }

    /// False once the deadline has passed, even with bytes waiting: a client that keeps
    /// sending never finishes its headers late.
    bool is_readable() const override {
        if (Clock::now() < deadline_ && wait_for(sock_, POLLIN, read_wait())) return true;
        // Past the deadline or the read timeout alike, the connection is done with.
        timed_out_ = true;
        return false;
    }

    /// True once a read was refused for the deadline or the read timeout (httplib then answers
    /// 400 and would go on reading the rest of the trickle as the next request).
    [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }
    bool is_writable() const override { return wait_for(sock_, POLLOUT, write_timeout_); }

    ssize_t read(char* ptr, size_t size) override {
        if (!is_readable()) return -1;
        for (;;) {
            const ssize_t n = ::recv(sock_, ptr, size, 0);
            if (n < 0 && errno == EINTR) continue;
            return n;
        }
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        for (;;) {
            const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            return n;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        port = 0;
        ip.clear();
        if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            ip = numeric_host(addr, len, &port);
        }
    }

    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        port = 0;
        ip.clear();
        if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            ip = numeric_host(addr, len, &port);
        }
    }

    socket_t socket() const override { return sock_; }

  private:
    socket_t sock_;
    std::chrono::milliseconds read_timeout_;
    std::chrono::milliseconds write_timeout_;
    Clock::time_point deadline_ = Clock::now();
    mutable bool timed_out_ = false;
};

/// Answers 503 with `message` without waiting on the client, and closes the connection.
void refuse_and_close(socket_t sock, const std::string& message) {
    const std::string body = nlohmann::json{{"error", message}}.dump();
    const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: application/json\r\n"
        "Retry-After: 1\r\n"
        "Connection: close\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    // What the client sent is read and dropped, so that closing does not reset the connection
    // (and discard the answer) for unread input.
    char buf[4096];
    while (::recv(sock, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
}

}  // namespace

std::string peer_address(socket_t sock) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
    return numeric_host(addr, len, nullptr);
}

BoundedTaskQueue::BoundedTaskQueue(std::size_t threads, std::size_t max_queued)
    : max_queued_(max_queued) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
    {
        std::lock_guard lock(mutex_);
        if (tasks_.size() < max_queued_ && !stopping_) {
            tasks_.push_back(std::move(fn));
            ready_.notify_one();
            return;
        }
    }
    t_refusing = true;
    try {
        fn();
    } catch (...) {
        // httplib's task closes its socket and does not throw; a refusal must not end the
        // listener either way.
    }
    t_refusing = false;
}

void BoundedTaskQueue::shutdown() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

bool BoundedTaskQueue::refusing() noexcept { return t_refusing; }

void BoundedTaskQueue::work() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;  // stopping, and nothing left
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        try {
            task();
        } catch (...) {
            // A task that throws must not end the worker; httplib's do not.
        }
    }
}

bool GuardedServer::set_backlog(int backlog) {
    // listen() on a listening socket changes its backlog (Linux).
    return ::listen(svr_sock_, backlog) == 0;
}

std::size_t GuardedServer::connections_from(const std::string& address) const {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(address);
    return it == connections_.end() ? 0 : it->second;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
    if (BoundedTaskQueue::refusing()) {
        refuse_and_close(sock, "the server is busy; try again");
        return false;
    }
    const std::string peer = peer_address(sock);
    {
        std::lock_guard lock(mutex_);
        std::size_t& open = connections_[peer];
        if (open >= limits_.per_client) {
            if (open == 0) connections_.erase(peer);
            refuse_and_close(sock, "too many connections from this address");
            return false;
        }
        ++open;
    }
    bool ok = false;
    try {
        ok = serve(sock);
    } catch (...) {
        ok = false;
    }
    {
        std::lock_guard lock(mutex_);
        const auto it = connections_.find(peer);
        if (it != connections_.end() && --it->second == 0) connections_.erase(it);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

bool GuardedServer::serve(socket_t sock) {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    const auto read_timeout = std::chrono::duration_cast<milliseconds>(
        seconds(read_timeout_sec_) + std::chrono::microseconds(read_timeout_usec_));
    const auto write_timeout = std::chrono::duration_cast<milliseconds>(
        seconds(write_timeout_sec_) + std::chrono::microseconds(write_timeout_usec_));
    const milliseconds keep_alive = seconds(keep_alive_timeout_sec_);
    DeadlineStream stream(sock, read_timeout, write_timeout);
    bool ok = true;
    for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
        const bool first = left == keep_alive_max_count_;
        stream.set_deadline(Clock::now() + limits_.header_timeout);
        // The first request may take the whole header time to start; a later one must start
        // within the keep-alive time.
        if (!wait_for(
                sock, POLLIN,
                first ? limits_.header_timeout : std::min(keep_alive, limits_.header_timeout))) {
            break;
        }
        bool closed = false;
        ok = process_request(stream, left == 1, closed, nullptr);
        if (!ok || closed || stream.timed_out()) break;
    }
    return ok;
}

}  // namespace revsearch::query
