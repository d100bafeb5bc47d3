// libFuzzer target for one corpus reader (chosen at compile time by REVSEARCH_FUZZ_FORMAT).
// Every input must come back as reviews and rejects, never as a crash, a hang, a sanitizer
// report or an exception other than CorpusError. Reviews must also keep the record invariants
// the indexer relies on: an id, and valid UTF-8 everywhere.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "common/text.hpp"
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
    return 0;
}
