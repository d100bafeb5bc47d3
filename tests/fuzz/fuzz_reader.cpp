// libFuzzer target for one corpus reader (chosen at compile time by REVSEARCH_FUZZ_FORMAT).
// Every input must come back as reviews and rejects, never as a crash, a hang, a sanitizer
// report or an exception other than CorpusError. Reviews must also keep the record invariants
// the indexer relies on: an id, and valid UTF-8 everywhere. For JSON Lines, the fast path
// (simdjson) must read every line as the general reader (nlohmann) does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/jsonl_reader.hpp"
#include "corpus/path_template.hpp"
#include "corpus/reader.hpp"
#include "corpus/side_files.hpp"

namespace {

using namespace revsearch;

class CheckingSink final : public corpus::RecordSink {
public:
    void on_review(Review&& r) override {
        if (r.id.empty()) std::abort();
        for (const std::string* field : {&r.title, &r.body, &r.reviewer, &r.category, &r.product}) {
            if (!text::is_valid_utf8(*field)) std::abort();
        }
    }
    void on_reject(Reject&& r) override {
        if (r.reason.empty() || r.raw.size() > 1024) std::abort();
    }
};

bool same_review(const Review& a, const Review& b) {
    return a.id == b.id && a.title == b.title && a.reviewer == b.reviewer && a.date == b.date &&
           a.rating == b.rating && a.rating_scale == b.rating_scale && a.topics == b.topics &&
           a.category == b.category && a.product == b.product && a.body == b.body &&
           a.source == b.source && a.url == b.url && a.extra == b.extra;
}

/// Aborts when the two JSON Lines paths disagree on any line of `text`.
void compare_jsonl_paths(const std::string& text, const corpus::InputInfo& info) {
    std::istringstream in(text);
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        Review fast;
        Review general;
        std::string fast_reason;
        std::string general_reason;
        const bool a = corpus::JsonlReader::parse_line(line, info, n, fast, fast_reason);
        const bool b = corpus::JsonlReader::parse_line_general(line, info, n, general, general_reason);
        if (a != b || (a && !same_review(fast, general)) || (!a && fast_reason != general_reason)) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const corpus::PathTemplate path_template = corpus::PathTemplate::aclimdb();
    static corpus::SideFiles side_files;
    corpus::ReaderContext context;
    context.path_template = &path_template;
    context.side_files = &side_files;
    context.max_record_bytes = 1 << 16;
    const auto reader = corpus::make_reader(corpus::parse_format(REVSEARCH_FUZZ_FORMAT), context);
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    CheckingSink sink;
    const corpus::InputInfo info{"fuzz/train/pos/7_8.txt", "train/pos/7_8.txt", ""};
    try {
        reader->read(in, info, sink);
    } catch (const CorpusError&) {
        // An input that cannot be read at all is allowed to say so.
    }
    if constexpr (std::string_view(REVSEARCH_FUZZ_FORMAT) == "jsonl") {
        compare_jsonl_paths(std::string(reinterpret_cast<const char*>(data), size), info);
    }
    return 0;
}
