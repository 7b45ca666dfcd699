#pragma once
// The rebuilt roster kept in the project (Project::setCache, name "roster"), so that commands and the wizard
// need not rebuild it from every record each time they open the project. Compact and versioned: one table of
// the distinct strings, then every field as a variable-length integer (a record's link is five string indices),
// and a checksum of it all. Used only while its key matches: the key hashes everything the build depends on
// (the project's recordsRevision(), its "roster" section: decisions, school lists, snapshot, accounts; the
// school's time zone; the format version). A stale or damaged cache is never used: the roster is rebuilt.
#include "records/deduplicator.h"
#include "records/importtypes.h"
#include "roster/roster.h"

#include <QByteArray>
#include <optional>

namespace tt {

class Project;
class RosterDecisions;

// Bumped whenever the encoding or what a build produces changes: older caches then miss and are rebuilt.
inline constexpr quint32 RosterCacheVersion = 1;

QByteArray encodeRoster(const Roster &roster);
// nullopt when the bytes are not a roster of this version or are damaged (checksum, truncation, bad index).
std::optional<Roster> decodeRoster(const QByteArray &bytes);

// The key of the roster built from this project with these decisions (projectDecisions(project) when they are
// the ones stored).
QByteArray projectRosterKey(const Project &project, const RosterDecisions &decisions);
QByteArray projectRosterKey(const Project &project);

// The project's cached roster when its key matches the project as it is now and it decodes; else nullopt.
std::optional<Roster> cachedProjectRoster(const Project &project, const QByteArray &key);
std::optional<Roster> cachedProjectRoster(const Project &project);
// Keeps roster in the project as the one built from its current state (call after building it, before saving).
void storeProjectRoster(Project &project, const Roster &roster);
void storeProjectRoster(Project &project, const QByteArray &key, const QByteArray &encoded);

// What the reports need from the records besides the roster: Project::counts() in total and per source, the
// accepted incidents and commendations, and the duplicate groups, kept beside the roster (cache "records", keyed by
// recordsRevision() alone) so that a report need not deduplicate every record again. storeProjectRoster(project,
// roster) keeps it too.
struct RecordSummary
{
    struct Duplicate
    {
        QString uuid;
        bool conflicting = false;
        std::vector<RecordKey> rows; // in sheet order
        RecordKey chosen;
        bool chosenByUser = false;
        bool operator==(const Duplicate &) const = default;
    };
    RowCounts total;
    std::vector<RowCounts> sources; // Project::counts(i) for every source i
    qint64 incidents = 0;           // accepted, by type
    qint64 commendations = 0;
    std::vector<Duplicate> duplicates; // DedupeResult::groups
    bool operator==(const RecordSummary &) const = default;
};
// Computed from the records (deduplicates them when the project has not yet).
RecordSummary summarizeRecords(const Project &project);
// The cached one while it matches the project, else computed.
RecordSummary projectRecordSummary(const Project &project);
// Keeps summarizeRecords(project) in the project unless the one kept already matches.
void storeRecordSummary(Project &project);
// The same in two halves, so the pass over the records can run on a worker's copy of the project: the encoded
// summary to keep (nullopt when the one kept already matches), then keeping it under recordSummaryKey(copy).
std::optional<QByteArray> recordSummaryToStore(const Project &project);
void storeRecordSummary(Project &project, const QByteArray &key, const QByteArray &encoded);
// Its key: recordsRevision() and the format version.
QByteArray recordSummaryKey(const Project &project);

} // namespace tt
