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
///
/// A full queue wakes its producer only once a sixteenth of it is free, and a consumer is
/// woken only when it waits. A reader that outpaces its lanes then refills a queue in a
/// burst, instead of waking (and taking a core from a lane) once per item: on 68,722 reviews
/// with two lanes, that was some 100,000 context switches. The sixteenth is small enough
/// that a reader waiting on one lane's queue does not let another's run dry, and that the
/// queues are near equally full when the input ends, so the lanes end together.
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
        if (!has_room(bytes)) {
            ++producer_waits_;
            ++producer_waiting_;
            not_full_.wait(lock, [&] { return has_room(bytes); });
            --producer_waiting_;
        }
        if (closed_) return false;
        items_.emplace_back(std::move(item), bytes);
        bytes_ += bytes;
        if (consumer_waiting_ != 0) not_empty_.notify_one();
        return true;
    }

    /// Waits for an item. Returns nullopt once the queue is finished (or closed) and drained.
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        if (!closed_ && !finished_ && items_.empty()) {
            ++consumer_waiting_;
            not_empty_.wait(lock, [&] { return closed_ || finished_ || !items_.empty(); });
            --consumer_waiting_;
        }
        if (items_.empty() || closed_) return std::nullopt;
        auto [item, bytes] = std::move(items_.front());
        items_.pop_front();
        bytes_ -= bytes;
        // Past the low-water mark every pop wakes a waiting producer, so one whose item
        // does not fit yet is woken again until it does (at the latest, when it is empty).
        if (producer_waiting_ != 0 && items_.size() + max_items_ / 16 <= max_items_ &&
            bytes_ + max_bytes_ / 16 <= max_bytes_) {
            not_full_.notify_one();
        }
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

    /// How many times push() has had to wait for room.
    [[nodiscard]] std::size_t producer_waits() {
        std::lock_guard lock(mutex_);
        return producer_waits_;
    }

private:
    /// Whether an item of `bytes` may go in now (or the queue was closed). Holds the mutex.
    [[nodiscard]] bool has_room(std::size_t bytes) const {
        return closed_ || items_.empty() ||
               (items_.size() < max_items_ && bytes_ + bytes <= max_bytes_);
    }

    std::mutex mutex_;
    std::condition_variable not_full_;
    std::condition_variable not_empty_;
    std::deque<std::pair<T, std::size_t>> items_;
    std::size_t bytes_ = 0;
    std::size_t max_items_;
    std::size_t max_bytes_;
    std::size_t producer_waits_ = 0;
    int producer_waiting_ = 0;
    int consumer_waiting_ = 0;
    bool finished_ = false;
    bool closed_ = false;
};

}  // namespace revsearch::indexer
