// The queue between the reader and a lane: order, bounds, and how often a fast producer waits.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "indexer/bounded_queue.hpp"

using revsearch::indexer::BoundedQueue;

TEST_CASE("a full queue lets its producer refill it in bursts, and every item arrives in order",
          "[indexer]") {
    BoundedQueue<int> queue(64, 1u << 20);
    constexpr int kItems = 20000;
    std::vector<int> got;
    std::thread consumer([&] {
        while (auto item = queue.pop()) {
            got.push_back(*item);
            if (got.size() % 8 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    });
    for (int i = 0; i < kItems; ++i) REQUIRE(queue.push(i, 10));
    queue.finish();
    consumer.join();
    REQUIRE(got.size() == kItems);
    for (int i = 0; i < kItems; ++i) REQUIRE(got[i] == i);
    // Woken only once a sixteenth (4 items) is free, the producer waits at most once per 4
    // items; woken per item, it would wait close to once per item.
    CHECK(queue.producer_waits() <= kItems / 4 + 1);
}

TEST_CASE("the queue holds no more bytes than its bound, except one item larger than the bound",
          "[indexer]") {
    BoundedQueue<std::string> queue(1000, 100);
    std::atomic<bool> pushed_second{false};
    REQUIRE(queue.push(std::string(60, 'a'), 60));
    std::thread producer([&] {
        REQUIRE(queue.push(std::string(60, 'b'), 60));  // waits: 120 bytes would pass the bound
        pushed_second = true;
        REQUIRE(queue.push(std::string(500, 'c'), 500));  // larger than the bound: waits for empty
        queue.finish();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(pushed_second);
    CHECK(queue.pop()->front() == 'a');
    CHECK(queue.pop()->front() == 'b');
    CHECK(queue.pop()->size() == 500);
    CHECK_FALSE(queue.pop().has_value());
    producer.join();
    CHECK(pushed_second);
}

TEST_CASE("closing the queue wakes a waiting producer and drops what it held", "[indexer]") {
    BoundedQueue<int> queue(1, 1u << 20);
    REQUIRE(queue.push(1, 1));
    bool second = true;
    std::thread producer([&] { second = queue.push(2, 1); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    queue.close();
    producer.join();
    CHECK_FALSE(second);
    CHECK_FALSE(queue.pop().has_value());
}
