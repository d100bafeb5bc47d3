#include "corpus/reader.hpp"

#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/jsonl_reader.hpp"
#include "corpus/page_reader.hpp"

namespace revsearch::corpus {

namespace {
constexpr std::pair<Format, std::string_view> kFormatNames[] = {
    {Format::Auto, "auto"}, {Format::Jsonl, "jsonl"}, {Format::Page, "page"}};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

Format parse_format(std::string_view name) {
    for (const auto& [format, n] : kFormatNames) {
        if (n == name) return format;
    }
    std::string known;
    for (const auto& n : format_names()) known += (known.empty() ? "" : ", ") + std::string(n);
    throw UsageError("unknown format '" + std::string(name) + "' (known: auto, " + known + ")");
}

std::string_view format_name(Format format) {
    for (const auto& [f, n] : kFormatNames) {
        if (f == format) return n;
    }
    return "?";
}

std::vector<std::string_view> format_names() {
    std::vector<std::string_view> names;
    for (const auto& [f, n] : kFormatNames) {
        if (f != Format::Auto) names.push_back(n);
    }
    return names;
}

Format detect_format(std::string_view path, std::string_view head) {
    const std::string lower = text::ascii_lower(path);
    if (ends_with(lower, ".jsonl") || ends_with(lower, ".ndjson")) return Format::Jsonl;
    // Content sniffing: a JSON object per line, or a review page with a breadcrumb line.
    std::size_t i = 0;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' ||
                               head[i] == '\t')) {
        ++i;
    }
    if ((ends_with(lower, ".json") || ends_with(lower, ".txt") || ends_with(lower, ".jsonl")) &&
        i < head.size() && head[i] == '{') {
        return Format::Jsonl;
    }
    if (ends_with(lower, ".txt") && PageReader::looks_like_page(head)) return Format::Page;
    return Format::Auto;
}

std::unique_ptr<Reader> make_reader(Format format) {
    switch (format) {
        case Format::Jsonl: return std::make_unique<JsonlReader>();
        case Format::Page: return std::make_unique<PageReader>();
        case Format::Auto: break;
    }
    throw UsageError("no reader for format 'auto': detect the format first");
}

std::string derived_id(const InputInfo& info, std::size_t line) {
    if (line == 0) return strip_extensions(info.relative);
    return info.relative + ":" + std::to_string(line);
}

std::string strip_extensions(std::string_view relative) {
    std::string id(relative);
    const std::size_t slash = id.rfind('/');
    const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    static constexpr std::string_view kCompression[] = {".gz", ".zst", ".bz2", ".xz"};
    for (auto ext : kCompression) {
        if (ends_with(id, ext) && id.size() - ext.size() > base) {
            id.resize(id.size() - ext.size());
            break;
        }
    }
    const std::size_t dot = id.rfind('.');
    if (dot != std::string::npos && dot > base) id.resize(dot);
    return id;
}

}  // namespace revsearch::corpus
