#include "query/searcher_pool.hpp"

#include <algorithm>

namespace revsearch::query {

SearcherPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), searcher_(other.searcher_) {
    other.pool_ = nullptr;
    other.searcher_ = nullptr;
}

SearcherPool::Lease::~Lease() {
    if (pool_ != nullptr) pool_->give_back(searcher_);
}

SearcherPool::SearcherPool(const std::string& db_path, std::size_t size, const OpenOptions& open) {
    size = std::max<std::size_t>(size, 1);
    searchers_.reserve(size);
    for (std::size_t i = 0; i < size; ++i)
        searchers_.push_back(std::make_unique<Searcher>(db_path, open));
    for (const auto& s : searchers_) free_.push_back(s.get());
}

std::optional<SearcherPool::Lease> SearcherPool::borrow(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!returned_.wait_for(lock, wait, [&] { return !free_.empty(); })) return std::nullopt;
    Searcher* s = free_.back();
    free_.pop_back();
    return Lease(this, s);
}

std::size_t SearcherPool::borrowed() const {
    std::lock_guard lock(mutex_);
    return searchers_.size() - free_.size();
}

void SearcherPool::give_back(Searcher* searcher) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(searcher);
    }
    returned_.notify_one();
}

}  // namespace revsearch::query
