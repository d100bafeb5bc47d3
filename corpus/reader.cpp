#include "corpus/reader.hpp"

#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/amazon_reader.hpp"
#include "corpus/csv_reader.hpp"
#include "corpus/jsonl_reader.hpp"
#include "corpus/page_reader.hpp"
#include "corpus/review_xml_reader.hpp"
#include "corpus/text_reader.hpp"

namespace revsearch::corpus {

namespace {
constexpr std::pair<Format, std::string_view> kFormatNames[] = {
    {Format::Auto, "auto"},     {Format::Jsonl, "jsonl"}, {Format::Page, "page"},
    {Format::Amazon, "amazon"}, {Format::Review, "review"}, {Format::Text, "text"},
    {Format::Trec, "trec"},     {Format::Smart, "smart"}, {Format::Csv, "csv"},
    {Format::Tsv, "tsv"}};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::unique_ptr<Reader> make_bare_reader(Format format, const ReaderContext& context) {
    switch (format) {
        case Format::Jsonl: return std::make_unique<JsonlReader>(context.max_record_bytes);
        case Format::Page: return std::make_unique<PageReader>();
        case Format::Amazon: return std::make_unique<AmazonReader>(context.max_record_bytes);
        case Format::Review: return std::make_unique<ReviewXmlReader>();
        case Format::Text:
            return std::make_unique<TextReader>(context.path_template, context.side_files);
        case Format::Trec: return std::make_unique<TrecReader>();
        case Format::Smart: return std::make_unique<SmartReader>();
        case Format::Csv: return std::make_unique<CsvReader>(',', context.csv_mapping);
        case Format::Tsv: return std::make_unique<CsvReader>('\t', context.csv_mapping);
        case Format::Auto: break;
    }
    throw UsageError("no reader for format 'auto': detect the format first");
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
    const std::string base = lower.substr(lower.rfind('/') == std::string::npos ? 0 : lower.rfind('/') + 1);
    // Documentation next to a corpus (README.md, PROVENANCE.md) quotes sample records; it is
    // never itself a corpus.
    if (ends_with(lower, ".md") || ends_with(lower, ".markdown")) return Format::Auto;
    std::size_t i = 0;
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
    const bool json_object = i < head.size() && head[i] == '{';
    const bool json_name = ends_with(lower, ".jsonl") || ends_with(lower, ".ndjson") ||
                           ends_with(lower, ".json");
    if (json_object || json_name) {
        return AmazonReader::looks_like_amazon(head.substr(i)) ? Format::Amazon : Format::Jsonl;
    }
    if (ends_with(lower, ".review") || ReviewXmlReader::looks_like_reviews(head)) return Format::Review;
    if (TrecReader::looks_like_trec(head)) return Format::Trec;
    if (SmartReader::looks_like_smart_documents(head)) return Format::Smart;
    // SMART queries (`.I` records without titles) and TREC topics are questions, not documents.
    if (head.substr(i, 3) == ".I " || text::ascii_lower(head).find("<top>") != std::string::npos) {
        return Format::Auto;
    }
    if (ends_with(lower, ".csv")) return Format::Csv;
    if (ends_with(lower, ".tsv") || ends_with(lower, ".tab")) return Format::Tsv;
    if (ends_with(lower, ".txt")) {
        if (PageReader::looks_like_page(head)) return Format::Page;
        // Lookup tables (aclImdb's urls_*.txt) and number lists are not reviews.
        if (text::starts_with(base, "urls_")) return Format::Auto;
        if (TextReader::looks_like_prose(head)) return Format::Text;
    }
    return Format::Auto;
}

std::unique_ptr<Reader> make_reader(Format format) {
    static const ReaderContext kEmpty;
    return make_reader(format, kEmpty);
}

std::unique_ptr<Reader> make_reader(Format format, const ReaderContext& context) {
    std::unique_ptr<Reader> reader = make_bare_reader(format, context);
    reader->set_encoding(context.encoding);
    return reader;
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
