#include "indexer/checkpoint.hpp"

#include <nlohmann/json.hpp>

namespace revsearch::indexer {

using nlohmann::json;

SourceMap parse_sources(const std::string& stored) {
    SourceMap sources;
    if (stored.empty()) return sources;
    const json j = json::parse(stored, nullptr, false);
    if (!j.is_object()) return sources;
    for (const auto& [path, s] : j.items()) {
        SourceState& state = sources[path];
        state = SourceState{s.value("size", std::uint64_t{0}), s.value("mtime", std::int64_t{0}),
                            s.value("records", std::uint64_t{0}), s.value("done", false),
                            s.value("hash", std::string()), {}};
        if (const auto t = s.find("transcoded"); t != s.end() && t->is_object()) {
            for (const auto& [encoding, n] : t->items()) {
                if (n.is_number_unsigned()) state.transcoded[encoding] = n.get<std::uint64_t>();
            }
        }
    }
    return sources;
}

std::string dump_sources(const SourceMap& sources) {
    json j = json::object();
    for (const auto& [path, s] : sources) {
        j[path] = {{"size", s.size}, {"mtime", s.mtime}, {"records", s.records}, {"done", s.done},
                   {"hash", s.hash}};
        if (!s.transcoded.empty()) j[path]["transcoded"] = s.transcoded;
    }
    return j.dump();
}

void merge_sources(SourceMap& into, const SourceMap& lane) {
    for (const auto& [path, s] : lane) {
        auto [it, inserted] = into.try_emplace(path, s);
        if (inserted) continue;
        it->second.records += s.records;
        it->second.done = it->second.done && s.done;
        for (const auto& [encoding, n] : s.transcoded) it->second.transcoded[encoding] += n;
    }
}

}  // namespace revsearch::indexer
