#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace revsearch::indexer {

/// A blocking single-producer/single-consumer queue bounded by item count and by bytes, so a
/// fast reader cannot run ahead of a slow writer by more than a fixed amount of memory.
/// Thread-safe.
template <typename T>
class BoundedQueue {
public:
    /// At most `max_items` items and, unless it is a single item, `max_bytes` bytes.
    BoundedQueue(std::size_t max_items, std::size_t max_bytes)
        : max_items_(max_items), max_bytes_(max_bytes) {}

    /// Waits for room, then appends. An item larger than `max_bytes` still goes in once the
    /// queue is empty. Returns false, dropping the item, when the queue was closed.
    bool push(T item, std::size_t bytes) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] {
            return closed_ || items_.empty() ||
                   (items_.size() < max_items_ && bytes_ + bytes <= max_bytes_);
        });
        if (closed_) return false;
        items_.emplace_back(std::move(item), bytes);
        bytes_ += bytes;
        not_empty_.notify_one();
        return true;
    }

    /// Waits for an item. Returns nullopt once the queue is finished (or closed) and drained.
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return closed_ || finished_ || !items_.empty(); });
        if (items_.empty() || closed_) return std::nullopt;
        auto [item, bytes] = std::move(items_.front());
        items_.pop_front();
        bytes_ -= bytes;
        not_full_.notify_one();
        return std::move(item);
    }

    /// No more items will come; pop() drains what is queued, then returns nullopt.
    void finish() {
        std::lock_guard lock(mutex_);
        finished_ = true;
        not_empty_.notify_all();
    }

    /// Abandons the queue: pending and future items are dropped, both sides wake up.
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        items_.clear();
        bytes_ = 0;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable not_full_;
    std::condition_variable not_empty_;
    std::deque<std::pair<T, std::size_t>> items_;
    std::size_t bytes_ = 0;
    std::size_t max_items_;
    std::size_t max_bytes_;
    bool finished_ = false;
    bool closed_ = false;
};

}  // namespace revsearch::indexer
