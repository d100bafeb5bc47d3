#pragma once

#include <string>
#include <utility>
#include <vector>

#include "corpus/reader.hpp"

/// Helpers for the reader tests: naming an input, and collecting what a reader finds.
namespace revsearch::test {

/// An InputInfo with the given display path and relative path.
inline corpus::InputInfo make_info(const std::string& display, const std::string& relative) {
    corpus::InputInfo info;
    info.display = display;
    info.relative = relative;
    return info;
}

/// Collects what a reader finds, in order.
class CollectingSink : public corpus::RecordSink {
public:
    void on_review(Review&& review) override { reviews.push_back(std::move(review)); }
    void on_reject(Reject&& reject) override { rejects.push_back(std::move(reject)); }

    std::vector<Review> reviews;
    std::vector<Reject> rejects;
};

}  // namespace revsearch::test
