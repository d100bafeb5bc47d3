#include "indexer/lane.hpp"

#include <pthread.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <span>

#include "common/error.hpp"
#include "common/schema.hpp"

namespace revsearch::indexer {

namespace fs = std::filesystem;
namespace s = revsearch::schema;

namespace {

/// Spelling counts kept by a write-once lane are handed over early past this many words, so
/// their memory stays bounded whatever the corpus.
constexpr std::size_t kMaxHeldSpellingWords = 1u << 20;

/// write_spelling_parts() gives each writer at least this many words: below it, a thread and
/// a database more cost more than they save.
constexpr std::size_t kSpellingWordsPerPiece = 20000;

/// kMetaPartSpelling's form: `word TAB count` lines, zstd-compressed (a frame even when
/// there are no words, so a part that counted nothing still says so).
std::string pack_spelling(const SpellingCounts& counts) {
    std::string lines;
    for (const auto& [word, freq] : counts) {
        lines += word;
        lines += '\t';
        lines += std::to_string(freq);
        lines += '\n';
    }
    std::string packed(ZSTD_compressBound(lines.size()), '\0');
    const std::size_t n = ZSTD_compress(packed.data(), packed.size(), lines.data(), lines.size(), 1);
    if (ZSTD_isError(n)) throw Error(std::string("cannot compress spelling counts: ") + ZSTD_getErrorName(n));
    packed.resize(n);
    return packed;
}

/// Adds what pack_spelling() made to `counts`. Throws IndexError (naming `part`) when it is
/// damaged.
void unpack_spelling(const std::string& packed, SpellingCounts& counts, const std::string& part) {
    if (packed.empty()) return;
    const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
        throw IndexError(part, "its saved spelling counts are damaged");
    }
    std::string lines(size, '\0');
    const std::size_t n = ZSTD_decompress(lines.data(), lines.size(), packed.data(), packed.size());
    if (ZSTD_isError(n) || n != size) throw IndexError(part, "its saved spelling counts are damaged");
    std::size_t at = 0;
    while (at < lines.size()) {
        const std::size_t tab = lines.find('\t', at);
        const std::size_t end = lines.find('\n', at);
        if (tab == std::string::npos || end == std::string::npos || tab > end) {
            throw IndexError(part, "its saved spelling counts are damaged");
        }
        Xapian::termcount freq = 0;
        const char* first = lines.data() + tab + 1;
        const char* last = lines.data() + end;
        if (std::from_chars(first, last, freq).ptr != last) {
            throw IndexError(part, "its saved spelling counts are damaged");
        }
        counts[lines.substr(at, tab - at)] += freq;
        at = end + 1;
    }
}

/// CPU time of the calling thread, in seconds.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <typename F>
auto guard(const std::string& name, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Xapian::Error& e) {
        throw IndexError(name, e.get_description());
    }
}

}  // namespace

// ---- DirectStore ----

bool DirectStore::put(const std::string& id_term, const Xapian::Document& doc, bool) {
    return writer_.put(id_term, doc);
}

void DirectStore::commit(const std::map<std::string, std::string>& metadata,
                         const SpellingCounts& spelling) {
    for (const auto& [word, freq] : spelling) writer_.add_spelling(word, freq);
    for (const auto& [key, value] : metadata) writer_.set_metadata(key, value);
    writer_.commit();
}

// ---- PartStore ----

namespace {

/// The databases in `dir` named `prefix` and a number, in order, that hold metadata `marker`.
/// The others were being written when a run stopped, and are removed.
std::vector<std::string> complete_databases(const std::string& dir, std::string_view prefix,
                                            std::string_view marker) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> complete;
    for (const std::string& name : names) {
        const std::string path = dir + "/" + name;
        bool ok = false;
        try {
            ok = !Xapian::Database(path).get_metadata(std::string(marker)).empty();
        } catch (const Xapian::Error&) {
        }
        if (ok) {
            complete.push_back(path);
        } else {
            fs::remove_all(path);
        }
    }
    return complete;
}

/// The number after the highest of `paths` (named `prefix` and a number), or 0.
std::size_t next_number(const std::vector<std::string>& paths, std::string_view prefix) {
    std::size_t next = 0;
    for (const std::string& path : paths) {
        const std::string name = fs::path(path).filename().string();
        next = std::max(next, static_cast<std::size_t>(std::stoul(name.substr(prefix.size()))) + 1);
    }
    return next;
}

}  // namespace

PartStore::PartStore(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw IndexError(dir_, "cannot create the parts directory: " + ec.message());
    // A part without the checkpoint was being written when a run stopped: its documents are
    // counted by no checkpoint, so they are redone and the part goes.
    next_part_ = next_number(complete_databases(dir_, "part-", s::kMetaSources), "part-");
}

PartStore::~PartStore() {
    if (db_) {
        try {
            db_->close();  // uncommitted work belongs to a failed run; the part is redone
        } catch (const Xapian::Error&) {
        }
    }
}

std::string PartStore::lane_dir(const std::string& work_dir, std::size_t lane) {
    char name[32];
    std::snprintf(name, sizeof name, "lane-%03zu", lane);
    return work_dir + "/" + name;
}

std::string PartStore::part_path(std::size_t n) const {
    char name[32];
    std::snprintf(name, sizeof name, "part-%04zu", n);
    return dir_ + "/" + name;
}

void PartStore::open_next() {
    open_path_ = part_path(next_part_++);
    fs::remove_all(open_path_);
    db_ = guard(open_path_, [&] {
        return std::make_unique<Xapian::WritableDatabase>(
            open_path_, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
    });
}

bool PartStore::remove_from_closed_parts(const std::string& id_term) {
    bool removed = false;
    for (const std::string& path : complete_parts()) {
        if (path == open_path_) continue;
        guard(path, [&] {
            if (!Xapian::Database(path).term_exists(id_term)) return;
            Xapian::WritableDatabase part(path, Xapian::DB_OPEN);
            part.delete_document(id_term);
            part.commit();
            removed = true;
        });
    }
    return removed;
}

bool PartStore::put(const std::string& id_term, const Xapian::Document& doc, bool repeated) {
    if (!db_) open_next();
    return guard(open_path_, [&] {
        if (repeated) {
            if (db_->term_exists(id_term)) {
                db_->replace_document(id_term, doc);
                return true;
            }
            const bool removed = remove_from_closed_parts(id_term);
            db_->add_document(doc);
            return removed;
        }
        // A fresh build has seen no other copy of this id: no look-up is needed.
        db_->add_document(doc);
        return false;
    });
}

void PartStore::commit(const std::map<std::string, std::string>& metadata,
                       const SpellingCounts& spelling) {
    if (!db_) open_next();
    guard(open_path_, [&] {
        for (const auto& [word, freq] : spelling) db_->add_spelling(word, freq);
        for (const auto& [key, value] : metadata) db_->set_metadata(key, value);
        db_->commit();
        db_->close();
    });
    db_.reset();
    open_path_.clear();
}

std::vector<std::string> PartStore::complete_parts() const {
    std::vector<std::string> parts;
    for (std::size_t n = 0; n < next_part_; ++n) {
        const std::string path = part_path(n);
        if (path != open_path_ && fs::exists(path)) parts.push_back(path);
    }
    return parts;
}

SpellingCounts PartStore::saved_spelling() const {
    SpellingCounts counts;
    for (const std::string& path : complete_parts()) {
        guard(path, [&] {
            Xapian::Database part(path);
            if (!part.get_metadata(std::string(kMetaSpellingHandedOver)).empty()) counts.clear();
            unpack_spelling(part.get_metadata(std::string(kMetaPartSpelling)), counts, path);
        });
    }
    return counts;
}

std::string PartStore::last_metadata(const std::string& key) const {
    const auto parts = complete_parts();
    if (parts.empty()) return "";
    return guard(parts.back(), [&] { return Xapian::Database(parts.back()).get_metadata(key); });
}

// ---- Spelling parts ----

namespace {
constexpr std::string_view kSpellingPrefix = "spelling-";
}  // namespace

std::vector<std::string> spelling_parts(const std::string& dir) {
    return complete_databases(dir, kSpellingPrefix, kMetaSpellingPart);
}

void remove_spelling_parts(const std::string& dir) {
    for (const std::string& path : spelling_parts(dir)) fs::remove_all(path);
}

std::vector<std::string> write_spelling_parts(const std::string& dir, const SpellingCounts& counts,
                                              Xapian::termcount min_count, std::size_t max_pieces) {
    std::vector<std::pair<std::string_view, Xapian::termcount>> kept;
    for (const auto& [word, freq] : counts) {
        if (freq >= min_count) kept.emplace_back(word, freq);
    }
    if (kept.empty()) return {};
    // Sorted words let Xapian build each n-gram fragment's word list in order.
    std::sort(kept.begin(), kept.end());
    const std::size_t pieces = std::clamp<std::size_t>(kept.size() / kSpellingWordsPerPiece, 1,
                                                       std::max<std::size_t>(max_pieces, 1));
    // Names are taken before any piece is written, so the writers never pick the same one.
    const std::size_t first = next_number(spelling_parts(dir), kSpellingPrefix);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < pieces; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "spelling-%04zu", first + i);
        paths.push_back(dir + "/" + name);
    }
    // Piece i holds a run of the sorted words; the compaction merges the pieces' fragment
    // lists as it merges any two spelling tables.
    std::vector<std::exception_ptr> errors(pieces);
    auto write_piece = [&](std::size_t i) {
        const std::size_t begin = kept.size() * i / pieces;
        const std::size_t end = kept.size() * (i + 1) / pieces;
        try {
            guard(paths[i], [&] {
                Xapian::WritableDatabase db(paths[i], Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
                for (std::size_t w = begin; w < end; ++w) db.add_spelling(std::string(kept[w].first), kept[w].second);
                db.set_metadata(std::string(kMetaSpellingPart), std::to_string(end - begin));
                db.commit();
                db.close();
            });
        } catch (...) {
            errors[i] = std::current_exception();
        }
    };
    std::vector<std::thread> writers;
    for (std::size_t i = 1; i < pieces; ++i) writers.emplace_back(write_piece, i);
    write_piece(0);
    for (std::thread& t : writers) t.join();
    for (const std::exception_ptr& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    return paths;
}

// ---- Lane ----

Lane::Lane(const LaneSettings& settings, LaneStore& store, SourceMap sources,
           SpellingCounts spelling)
    : settings_(settings),
      store_(store),
      sources_(std::move(sources)),
      builder_(settings.analyzer, settings.dictionary),
      queue_(settings.queue_items, settings.queue_bytes),
      spelling_(std::move(spelling)) {
    builder_.count_spelling(settings_.spelling);
    if (settings_.lexicon != nullptr) {
        tagger_ = std::make_unique<corpus::TopicTagger>(*settings_.lexicon, builder_.analyzer());
    }
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "revsearch-lane");
        run();
    });
}

Lane::~Lane() {
    if (thread_.joinable()) {
        queue_.close();
        thread_.join();
    }
}

bool Lane::push(LaneItem&& item) {
    const std::size_t bytes = item.bytes + 64;
    return queue_.push(std::move(item), bytes);
}

void Lane::end_input() { queue_.finish(); }

void Lane::finish() {
    if (!finished_) {
        end_input();
        if (thread_.joinable()) thread_.join();
        finished_ = true;
    }
    if (error_) std::rethrow_exception(error_);
}

std::vector<std::string> Lane::take_notes() {
    std::lock_guard lock(notes_mutex_);
    return std::exchange(notes_, {});
}

void Lane::run() {
    try {
        while (std::optional<LaneItem> item = queue_.pop()) process(*item);
        if (settings_.commit_at_end) {
            commit(true);
        } else {
            fold_spelling();  // the caller commits them (spelling())
        }
    } catch (...) {
        error_ = std::current_exception();
        queue_.close();  // the reader sees push() fail and stops
    }
}

std::vector<corpus::TopicEvidence> Lane::tag_topics(Review& review) {
    if (!tagger_) return {};
    const std::span<const Token> text(words_.text);
    std::vector<corpus::TopicEvidence> evidence = tagger_->measure(
        text.first(words_.title_end), text.subspan(words_.title_end), words_.product);
    tagger_->tag(review, evidence);
    return evidence;
}

void Lane::add_strengths(const Review& review, const std::vector<corpus::TopicEvidence>& evidence,
                         Xapian::Document& doc) const {
    if (!tagger_ || review.topics.empty()) return;
    const std::vector<std::string>& names = tagger_->names();
    for (std::size_t t = 0; t < names.size() && t < settings_.topic_slots.size(); ++t) {
        const std::string name = s::normalize_boolean(names[t]);
        const bool held = std::any_of(
            review.topics.begin(), review.topics.end(),
            [&](const std::string& topic) { return s::normalize_boolean(topic) == name; });
        if (!held) continue;
        double strength = 0;  // a topic the record gave, which its text does not mention
        for (const corpus::TopicEvidence& e : evidence) {
            if (e.topic == t) strength = e.strength;
        }
        doc.add_value(settings_.topic_slots[t], s::strength_value(strength));
    }
}

void Lane::process(LaneItem& item) {
    switch (item.kind) {
        case LaneItem::Kind::BeginFile:
            current_ = &sources_[item.display];
            *current_ = item.state;
            file_term_ = s::boolean_term(s::kSourceFilePrefix, item.display);
            return;
        case LaneItem::Kind::EndFile: {
            SourceState& done = sources_[item.display];
            done.done = true;
            done.hash = item.state.hash;
            current_ = nullptr;
            return;
        }
        case LaneItem::Kind::Reject:
            break;
        case LaneItem::Kind::Review: {
            Review& review = item.review;
            const double t0 = thread_cpu_seconds();
            // One split of the text serves the topic tagger and the document's terms, and the
            // builder counts the words for spelling as it looks up their stems.
            builder_.split(review, words_);
            const std::vector<corpus::TopicEvidence> evidence = tag_topics(review);
            Xapian::Document doc = builder_.build(review, words_);
            add_strengths(review, evidence, doc);
            doc.add_boolean_term(file_term_);
            ++counts_.reviews;
            const double t1 = thread_cpu_seconds();
            const bool replaced = store_.put(s::id_term(review.id), doc, item.repeated);
            counts_.analyze_seconds += t1 - t0;
            counts_.write_seconds += thread_cpu_seconds() - t1;
            if (replaced) {
                ++counts_.replaced;
                if (item.repeated) {
                    ++counts_.duplicates;
                    std::lock_guard lock(notes_mutex_);
                    notes_.push_back(review.source + ": note: id '" + review.id +
                                     "' repeats an earlier record of this run; the last one wins");
                }
            } else {
                ++counts_.added;
            }
            break;
        }
    }
    if (current_ != nullptr) {
        ++current_->records;
        if (!item.encoding.empty()) ++current_->transcoded[item.encoding];
    }
    ++pending_records_;
    pending_bytes_ += item.bytes;
    if (pending_records_ >= settings_.batch_records || pending_bytes_ >= settings_.batch_bytes) {
        commit(false);
    }
}

void Lane::fold_spelling() {
    builder_.take_spelling(part_spelling_);  // (nothing, when commit() took them already)
    if (spelling_.empty()) {
        spelling_.swap(part_spelling_);
    } else {
        for (const auto& [word, freq] : part_spelling_) spelling_[word] += freq;
    }
    part_spelling_.clear();
}

void Lane::commit(bool final) {
    std::map<std::string, std::string> metadata = settings_.metadata;
    metadata[std::string(s::kMetaSources)] = dump_sources(sources_);
    const double t0 = thread_cpu_seconds();
    builder_.take_spelling(part_spelling_);  // the batch's counts, kept by the builder
    static const SpellingCounts kNone;
    const bool hand_over = (final && !settings_.keep_spelling) || store_.spelling_each_commit() ||
                           spelling_.size() + part_spelling_.size() > kMaxHeldSpellingWords;
    if (settings_.keep_spelling) {
        // The part records its own reviews' counts, or that it holds all the lane's so far:
        // a resumed build then counts what an interrupted one committed (saved_spelling()).
        if (hand_over) {
            metadata[std::string(kMetaSpellingHandedOver)] = "1";
        } else {
            metadata[std::string(kMetaPartSpelling)] = pack_spelling(part_spelling_);
        }
    }
    fold_spelling();
    store_.commit(metadata, hand_over ? spelling_ : kNone);
    if (hand_over) spelling_.clear();
    counts_.commit_seconds += thread_cpu_seconds() - t0;
    pending_records_ = 0;
    pending_bytes_ = 0;
}

}  // namespace revsearch::indexer
