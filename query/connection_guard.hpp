#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

/// What one client can hold of the HTTP server (issue 22, slowloris): the time to send a
/// request's headers, the connections open per client address, and the connections waiting for
/// a thread. cpp-httplib 0.11.4 bounds none of them: it times each read, not a whole request,
/// and queues accepted connections without limit.
namespace revsearch::query {

/// The limits a GuardedServer applies. A connection refused by one is answered 503 at once,
/// with a JSON error, and closed.
struct ConnectionLimits {
    /// Longest a client may take to send a whole request line and headers, counted from when
    /// the server starts waiting for the request (a connection's first, or the one after a
    /// keep-alive answer).
    std::chrono::milliseconds header_timeout{5000};
    /// Most connections one client address may have being served at once.
    std::size_t per_client = 8;
    /// Most accepted connections waiting for a thread; past it, 503 at once.
    std::size_t queued = 64;
};

/// httplib's thread pool with a bounded queue. enqueue() past the bound runs the task on the
/// caller's thread with refusing() true, so that GuardedServer answers 503 and closes the
/// connection without serving it. shutdown() finishes the queued tasks and joins the threads.
class BoundedTaskQueue final : public httplib::TaskQueue {
public:
    /// REQUIRES: threads > 0.
    BoundedTaskQueue(std::size_t threads, std::size_t max_queued);
    ~BoundedTaskQueue() override;
    BoundedTaskQueue(const BoundedTaskQueue&) = delete;
    BoundedTaskQueue& operator=(const BoundedTaskQueue&) = delete;

    void enqueue(std::function<void()> fn) override;
    void shutdown() override;

    /// True on a thread running a task enqueue() refused.
    [[nodiscard]] static bool refusing() noexcept;

private:
    void work();

    std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

/// An httplib::Server that serves each connection itself (through httplib's request handling)
/// so that it can bound a request's header time and count connections per client address.
/// Set new_task_queue to make BoundedTaskQueues for the queue bound.
class GuardedServer final : public httplib::Server {
public:
    explicit GuardedServer(ConnectionLimits limits) : limits_(limits) {}

    /// Lengthens the queue of connections the kernel completes before accept() (httplib
    /// listens with a backlog of 5: past it new connections' SYNs are dropped and the clients
    /// wait a second to retry). Call after binding; false if the socket refuses.
    bool set_backlog(int backlog);

    /// Connections being served now for `address` (the client's numeric IP).
    [[nodiscard]] std::size_t connections_from(const std::string& address) const;

private:
    bool process_and_close_socket(socket_t sock) override;
    /// Serves requests on `sock` until the client or keep-alive ends; true if all went well.
    bool serve(socket_t sock);

    ConnectionLimits limits_;
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> connections_;
};

/// The numeric IP address of a connected socket's peer ("" if it cannot be read).
[[nodiscard]] std::string peer_address(socket_t sock);

}  // namespace revsearch::query
