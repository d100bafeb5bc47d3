#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "query/searcher.hpp"

namespace revsearch::query {

/// A fixed set of Searchers over one database, lent out one per thread. A Searcher is not
/// thread-safe, so a server thread borrows one for a request and returns it after; no two
/// threads ever hold the same Searcher. Thread-safe.
class SearcherPool {
public:
    /// A borrowed Searcher, returned to the pool when the lease is destroyed. Move-only; must
    /// not outlive the pool.
    class Lease {
    public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();

        [[nodiscard]] Searcher& operator*() const noexcept { return *searcher_; }
        [[nodiscard]] Searcher* operator->() const noexcept { return searcher_; }

    private:
        friend class SearcherPool;
        Lease(SearcherPool* pool, Searcher* searcher) : pool_(pool), searcher_(searcher) {}
        SearcherPool* pool_;
        Searcher* searcher_;
    };

    /// Opens `size` Searchers on `db_path` (at least one), each with `open`. Throws IndexError
    /// if the database cannot be opened.
    SearcherPool(const std::string& db_path, std::size_t size, const OpenOptions& open = {});

    /// Borrows a free Searcher, waiting up to `wait` for one to be returned. Returns nullopt
    /// when none came free in time.
    [[nodiscard]] std::optional<Lease> borrow(std::chrono::milliseconds wait);

    /// How many Searchers the pool holds.
    [[nodiscard]] std::size_t size() const noexcept { return searchers_.size(); }

    /// How many are lent out right now.
    [[nodiscard]] std::size_t borrowed() const;

private:
    void give_back(Searcher* searcher);

    std::vector<std::unique_ptr<Searcher>> searchers_;
    mutable std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<Searcher*> free_;  // guarded by mutex_
};

}  // namespace revsearch::query
