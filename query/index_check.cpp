#include "query/index_check.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/analyzer.hpp"
#include "common/content_key.hpp"
#include "common/error.hpp"
#include "common/record_codec.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "common/shards.hpp"
#include "common/text.hpp"

namespace revsearch::query {

namespace {

/// The name of a value slot of `doc` that differs from what its record gives, or "".
std::string values_disagree(const Xapian::Document& doc, const Review& review) {
    if (doc.get_value(schema::kIdSlot) != review.id) return "id";
    const std::string given = review.rating ? schema::rating_value(*review.rating) : std::string();
    if (doc.get_value(schema::kRatingGivenSlot) != given) return "rating";
    const auto normalised = schema::normalised_rating(review.rating, review.rating_scale);
    if (doc.get_value(schema::kRatingSlot) !=
        (normalised ? schema::rating_value(*normalised) : std::string())) {
        return "rating on the 0-5 scale";
    }
    if (doc.get_value(schema::kReviewerSlot) != text::collapse_spaces(review.reviewer))
        return "reviewer";
    if (doc.get_value(schema::kCategorySlot) != text::collapse_spaces(review.category))
        return "category";
    return "";
}

/// revsearch's metadata: the analyzer as a search reads it, and every JSON key parses.
void check_metadata(const Xapian::Database& db, const std::string& path, CheckReport& report) {
    try {
        (void)AnalyzerSettings::from_database(db);
    } catch (const std::exception& e) {
        report.problems.push_back(path + ": its analyzer settings are damaged: " + e.what());
    }
    for (const std::string_view key :
         {schema::kMetaSchema, schema::kMetaStats, schema::kMetaManifest, schema::kMetaSources,
          schema::kMetaRun, schema::kMetaTopics}) {
        const std::string value = db.get_metadata(std::string(key));
        if (value.empty()) continue;
        if (!nlohmann::json::accept(value)) {
            report.problems.push_back(path + ": its metadata " + std::string(key) + " is damaged");
        }
    }
}

/// Reads every document of `path` back: its record decodes and parses, and its id term
/// indexes it and nothing else.
void read_every_document(const std::string& path, CheckReport& report) {
    Xapian::Database db(path);
    check_metadata(db, path, report);
    RecordDecoder decoder;
    decoder.add(db.get_metadata(std::string(schema::kMetaDictionary)));
    const Xapian::docid last = db.get_lastdocid();
    Xapian::doccount seen = 0;
    Xapian::totallength total_length = 0;
    Xapian::termcount shortest = 0, longest = 0;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const Xapian::docid did = *it;
        // The statistics every ranking reads come from the version file; each must agree
        // with the documents (a damaged one changes every score without a broken table).
        const Xapian::termcount length = it.get_doclength();
        total_length += length;
        shortest = seen == 0 ? length : std::min(shortest, length);
        longest = std::max(longest, length);
        if (did == 0 || did > last) {
            report.problems.push_back(path + ": document number " + std::to_string(did) +
                                      " lies outside 1.." + std::to_string(last));
            continue;
        }
        ++seen;
        const Xapian::Document doc = db.get_document(did);
        Review review;
        try {
            review = from_stored_json(decoder.decode(stored_record(doc)));
        } catch (const Error& e) {
            report.problems.push_back(path + ": document " + std::to_string(did) + ": " + e.what());
            continue;
        }
        // The values every filter, sort and facet reads must say what the record says.
        if (const std::string problem = values_disagree(doc, review); !problem.empty()) {
            report.problems.push_back(path + ": document " + std::to_string(did) + " ('" +
                                      review.id + "'): its " + problem +
                                      " value disagrees with its record");
            continue;
        }
        const std::string id_term = schema::id_term(review.id);
        if (doc.get_value(schema::kIdSlot).empty() || db.get_termfreq(id_term) != 1) {
            report.problems.push_back(path + ": document " + std::to_string(did) + " ('" +
                                      review.id + "'): its id is not indexed once");
            continue;
        }
        const auto posting = db.postlist_begin(id_term);
        if (posting == db.postlist_end(id_term) || *posting != did) {
            report.problems.push_back(path + ": document " + std::to_string(did) + " ('" +
                                      review.id + "'): its id term indexes another document");
        }
        // The content key's term (dup:, --distinct's copy counts and --stats' duplicate
        // groups read it) must index this document under the key its record gives.
        const std::string key = doc.get_value(schema::kContentKeySlot);
        if (!key.empty()) {
            const std::string key_term = std::string(schema::kContentKeyPrefix) + key;
            auto holder = db.postlist_begin(key_term);
            if (holder != db.postlist_end(key_term)) holder.skip_to(did);
            if (key != content_key(review) || holder == db.postlist_end(key_term) ||
                *holder != did) {
                report.problems.push_back(path + ": document " + std::to_string(did) + " ('" +
                                          review.id +
                                          "'): its content key disagrees with its record or "
                                          "is not indexed");
            }
        }
        ++report.documents;
    }
    if (seen > 0 &&
        (total_length != db.get_total_length() || db.get_doclength_lower_bound() > shortest ||
         db.get_doclength_upper_bound() < longest || db.get_lastdocid() < seen)) {
        report.problems.push_back(path + ": the statistics of its version file (total length " +
                                  std::to_string(db.get_total_length()) + ", lengths " +
                                  std::to_string(db.get_doclength_lower_bound()) + ".." +
                                  std::to_string(db.get_doclength_upper_bound()) +
                                  ") disagree with its documents (total length " +
                                  std::to_string(total_length) + ", lengths " +
                                  std::to_string(shortest) + ".." + std::to_string(longest) + ")");
    }
    if (seen != db.get_doccount()) {
        report.problems.push_back(path + ": " + std::to_string(db.get_doccount()) +
                                  " documents counted, " + std::to_string(seen) + " listed");
    }
}

void check_database_here(const std::string& path, CheckReport& report) {
    std::ostringstream detail;
    try {
        const std::size_t errors = Xapian::Database::check(path, 0, &detail);
        if (errors != 0) {
            report.problems.push_back(path + ": Xapian's check found " + std::to_string(errors) +
                                      " error(s)");
            return;  // the tables are damaged: reading documents could go anywhere
        }
        read_every_document(path, report);
    } catch (const Xapian::Error& e) {
        report.problems.push_back(path + ": " + e.get_description());
    } catch (const std::exception& e) {
        report.problems.push_back(path + ": " + e.what());
    }
}

/// Checks `path` in a child process: Xapian 1.4 can crash (SIGSEGV) opening a database whose
/// version file is damaged, and --check must answer even then. The child sends its problems
/// and document count back through a pipe, one line each.
void check_database(const std::string& path, CheckReport& report) {
    report.databases.push_back(path);
    int fds[2];
    if (::pipe(fds) != 0) {
        check_database_here(path, report);  // no pipe: check in this process
        return;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        check_database_here(path, report);
        return;
    }
    if (pid == 0) {
        ::close(fds[0]);
        CheckReport mine;
        check_database_here(path, mine);
        std::string out = std::to_string(mine.documents) + "\n";
        for (std::string problem : mine.problems) {
            for (char& c : problem) c = c == '\n' ? ' ' : c;
            out += problem + "\n";
        }
        for (std::size_t done = 0; done < out.size();) {
            const ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string in;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        in.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        report.problems.push_back(path + ": the database library crashed reading it (" +
                                  (WIFSIGNALED(status)
                                       ? std::string(strsignal(WTERMSIG(status)))
                                       : "exit " + std::to_string(WEXITSTATUS(status))) +
                                  "): its version file or a table is damaged");
        return;
    }
    std::istringstream lines(in);
    std::string line;
    if (std::getline(lines, line)) report.documents += std::stoul(line);
    while (std::getline(lines, line)) {
        if (!line.empty()) report.problems.push_back(line);
    }
}

}  // namespace

CheckReport check_index(const std::string& db_path) {
    CheckReport report;
    try {
        if (const auto stub = shards::stub_file(db_path)) {
            for (const shards::StubEntry& entry : shards::read_stub(*stub)) {
                if (entry.kind != shards::StubEntry::Kind::Local || entry.path.empty()) {
                    report.problems.push_back(
                        shards::describe(entry, *stub) +
                        ": not a local database; check it where it is stored");
                    continue;
                }
                check_database(shards::resolve(entry, *stub), report);
            }
        } else {
            check_database(db_path, report);
        }
    } catch (const std::exception& e) {
        report.problems.push_back(db_path + ": " + e.what());
    }
    return report;
}

void print_check(std::ostream& out, const std::string& db_path, const CheckReport& report) {
    for (const std::string& problem : report.problems) out << "damaged: " << problem << '\n';
    if (report.sound()) {
        out << db_path << ": sound (" << report.databases.size()
            << (report.databases.size() == 1 ? " database, " : " databases, ") << report.documents
            << " documents read back)\n";
    } else {
        out << db_path << ": NOT sound (" << report.problems.size() << " problem"
            << (report.problems.size() == 1 ? "" : "s") << "); rebuild it from its inputs\n";
    }
}

}  // namespace revsearch::query
