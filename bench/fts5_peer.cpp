#include "bench/fts5_peer.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <unordered_map>

#include "common/analyzer.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/topic_tagger.hpp"
#include "corpus/walker.hpp"

namespace revsearch::bench {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
    throw Error("sqlite: " + what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

void exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string text = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        throw Error("sqlite: " + sql + ": " + text);
    }
}

/// Owns a prepared statement.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
            SQLITE_OK) {
            fail(db, "prepare " + sql);
        }
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void text(int i, const std::string& s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    void real(int i, std::optional<double> v) {
        if (v) {
            sqlite3_bind_double(stmt_, i, *v);
        } else {
            sqlite3_bind_null(stmt_, i);
        }
    }
    void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    /// Steps once: true for a row, false when done. Throws on error.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, "step");
    }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    [[nodiscard]] std::string column(int i) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
        return p != nullptr
                   ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
                   : std::string();
    }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// Inserts each review the reader produces.
class InsertSink final : public corpus::RecordSink {
public:
    InsertSink(sqlite3* db, const Fts5BuildOptions& options, const corpus::TopicTagger* tagger,
               Fts5BuildStats& stats)
        : db_(db),
          options_(options),
          tagger_(tagger),
          stats_(stats),
          insert_(db,
                  "INSERT INTO fts(title, body, reviewer, product, category, topic, id, date, "
                  "date_key, rating, rating_scale) VALUES (?,?,?,?,?,?,?,?,?,?,?)") {}

    void on_review(Review&& r) override {
        if (tagger_ != nullptr) tagger_->tag(r);
        std::string topics;
        for (const std::string& t : r.topics) topics += (topics.empty() ? "" : "\n") + t;
        insert_.text(1, r.title);
        insert_.text(2, r.body);
        insert_.text(3, r.reviewer);
        insert_.text(4, r.product);
        insert_.text(5, r.category);
        insert_.text(6, topics);
        insert_.text(7, r.id);
        insert_.text(8, r.date);
        insert_.text(9, r.date.empty() ? std::string() : date::sort_key(r.date));
        insert_.real(10, r.rating);
        insert_.real(11, r.rating_scale);
        insert_.step();
        insert_.reset();
        ++stats_.reviews;
        if (++pending_ >= options_.batch_records) {
            exec(db_, "COMMIT; BEGIN");
            pending_ = 0;
        }
    }

    void on_reject(Reject&&) override { ++stats_.rejected; }

private:
    sqlite3* db_;
    const Fts5BuildOptions& options_;
    const corpus::TopicTagger* tagger_;
    Fts5BuildStats& stats_;
    Statement insert_;
    std::uint64_t pending_ = 0;
};

class SilentObserver final : public corpus::WalkObserver {
public:
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
};

/// Closes the connection on every path.
struct Connection {
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close_v2(db); }
};

}  // namespace

Fts5BuildStats build_fts5(const Fts5BuildOptions& options) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        std::filesystem::remove(options.db_path + suffix);
    }
    Connection conn;
    if (sqlite3_open_v2(options.db_path.c_str(), &conn.db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        fail(conn.db, "open " + options.db_path);
    }
    exec(conn.db, kFts5Schema);

    Fts5BuildStats stats;
    const Analyzer analyzer{AnalyzerSettings{}};
    const corpus::TopicLexicon lexicon = corpus::TopicLexicon::builtin();
    const corpus::TopicTagger tagger(lexicon, analyzer);
    {
        InsertSink sink(conn.db, options, options.tag_topics ? &tagger : nullptr, stats);
        SilentObserver observer;
        corpus::WalkOptions walk;
        walk.format = corpus::Format::Jsonl;
        corpus::Walker walker(walk);
        std::vector<corpus::InputProblem> problems;
        exec(conn.db, "BEGIN");
        for (const corpus::InputFile& file : corpus::expand_inputs({options.corpus}, problems)) {
            walker.walk(file, sink, observer);
        }
        exec(conn.db, "COMMIT");
    }
    if (options.optimize) {
        const auto start = std::chrono::steady_clock::now();
        exec(conn.db, "INSERT INTO fts(fts) VALUES('optimize')");
        stats.optimize_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return stats;
}

struct Fts5Searcher::Statements {
    std::unordered_map<std::string, std::unique_ptr<Statement>> by_sql;
};

Fts5Searcher::Fts5Searcher(const std::string& db_path)
    : statements_(std::make_unique<Statements>()) {
    if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close_v2(db_);
        throw Error("sqlite: open " + db_path + ": " + message);
    }
}

Fts5Searcher::~Fts5Searcher() {
    statements_.reset();  // finalized before the connection closes
    sqlite3_close_v2(db_);
}

std::vector<Fts5Hit> Fts5Searcher::search(const Fts5Query& query,
                                          const Fts5SearchOptions& options) {
    const bool snippets = options.snippets && !options.ids_only;
    std::string sql = options.ids_only ? "SELECT id" : "SELECT id, title, reviewer, date, rating";
    if (snippets) {
        sql += ", snippet(fts, 1, char(1), char(2), '…', " +
               std::to_string(options.snippet_tokens) + ")";
    }
    sql += " FROM fts WHERE fts MATCH ?1";
    if (options.order_by_rank) sql += " AND rank MATCH 'bm25(" + std::string(kFts5Weights) + ")'";
    if (query.rating && query.rating->lo) sql += " AND rating >= ?2";
    if (query.rating && query.rating->hi) sql += " AND rating <= ?3";
    if (query.date_key && query.date_key->lo) sql += " AND date_key >= ?4";
    if (query.date_key && query.date_key->hi) sql += " AND date_key <= ?5";
    sql += options.order_by_rank ? " ORDER BY rank"
                                 : " ORDER BY bm25(fts, " + std::string(kFts5Weights) + ")";
    sql += " LIMIT ?6";

    auto& slot = statements_->by_sql[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    Statement& st = *slot;
    st.text(1, query.match);
    if (query.rating) {
        if (query.rating->lo) st.real(2, query.rating->lo);
        if (query.rating->hi) st.real(3, query.rating->hi);
    }
    if (query.date_key) {
        if (query.date_key->lo) st.text(4, *query.date_key->lo);
        if (query.date_key->hi) st.text(5, *query.date_key->hi);
    }
    st.integer(6, static_cast<std::int64_t>(options.k));
    std::vector<Fts5Hit> hits;
    try {
        while (st.step()) {
            Fts5Hit hit;
            hit.id = st.column(0);
            if (!options.ids_only) hit.title = st.column(1);
            if (snippets) hit.snippet = st.column(5);
            hits.push_back(std::move(hit));
        }
    } catch (...) {
        st.reset();
        throw;
    }
    st.reset();
    return hits;
}

}  // namespace revsearch::bench
