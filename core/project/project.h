#pragma once
// A recovery project: one file that holds every source, mapping, decision and edit, so work can stop and
// resume and survive a crash. An SQLite database used as an application file format (core/project/projectfile.cpp:
// records stored once and compactly, decisions and edits as small rows, versioned, mode 0600 because it holds
// children's names). Saving to the file a project was loaded from (or last saved to) writes only what changed,
// in one short WAL transaction; anything else is a full write to a temporary file renamed over the target.
// Format 1 (JSON) still opens and is converted on first open, the original kept beside it.
#include "common/cow.h"
#include "project/schoolinfo.h"
#include "records/columnmapping.h"
#include "records/deduplicator.h"
#include "records/importtypes.h"
#include "records/incidentrecord.h"
#include "records/timestampparser.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>
#include <nlohmann/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace tt {

struct SourceInfo
{
    QString path;           // absolute path as imported (or the API's spreadsheet id)
    QString kind;           // "csv", "xlsx", "sheets-api"
    QString sheet;          // tab name: "Incidents" / "Commendations"
    RecordType type = RecordType::Incident;
    QString sha256;         // of the file (or of the fetched values)
    ColumnMapping mapping;
    bool mappingFromUser = false;
    QString encoding;       // CSV only
    QString delimiter;      // CSV only
    RowCounts counts;       // read, quarantined, blank, headerRows at import; accepted/duplicates from dedupe
    QStringList notes;      // things worth knowing: date order decided, header found, ...
    QDateTime importedAt;
    DateOrder dateOrderUsed = DateOrder::Auto;

    // "incidents.csv" or "export.xlsx, Incidents": how messages name this source
    QString displayName() const;
};

// A fix the administrator typed into a quarantined row; applied again whenever the source is re-read.
struct RowEdit
{
    QString sourceSha256;
    QString sheet;
    qint64 row = 0;
    QStringList cells;
};

struct ProjectFileState;

class Project
{
public:
    static constexpr int FormatVersion = 3; // 1: the JSON file (still read, converted on open); 2: SQLite, records
                                           // in rows (still read); 3: SQLite, records in chunks

    static Project create(const SchoolInfo &school);
    // Throws ProjectError with a message naming the file (missing, not a project, newer format, damaged).
    // A format 1 (JSON) file is converted: the SQLite project is written in its place and the original kept
    // beside it (convertedFrom()); when that cannot be written (a read-only folder) it is only read.
    static Project load(const QString &path);
    // Crash-safe, mode 0600. To the file this project (or a copy of it) was loaded from or last saved to: only the
    // parts that changed since, in one transaction; otherwise the whole project, written beside the target and
    // renamed over it. Safe to call on a copy on another thread while the original changes. Throws ProjectError
    // (also when another program keeps the file busy for more than a few seconds).
    void save(const QString &path) const;
    // The format 1 writer (JSON), kept for tests of the conversion and for the fuzzing seeds only.
    void saveJsonV1(const QString &path) const;
    // After load() converted a format 1 file: where the original was kept (else empty).
    QString convertedFrom() const { return m_convertedFrom; }

    const SchoolInfo &school() const { return m_school; }
    void setSchool(const SchoolInfo &s) { m_school = s; touch(); }
    DateOrder dateOrder() const { return m_dateOrder; }
    void setDateOrder(DateOrder o) { m_dateOrder = o; touch(); }
    // The order used when a column cannot tell: the project's setting, else the school locale's.
    DateOrder fallbackDateOrder() const;
    QTimeZone timeZone() const;

    // Sources and what came of them.
    std::vector<SourceInfo> &mutableSources() { touch(); m_rev.sources = nextRevision(); return m_sources; }
    const std::vector<SourceInfo> &sources() const { return m_sources; }
    int findSource(const QString &sha256, const QString &sheet) const;
    int findSourceByPath(const QString &path, const QString &sheet) const;
    // Removes a source's records, quarantine and warnings (its index stays, emptied, for re-import).
    void clearSourceData(int sourceIndex);

    // Every valid record read, duplicates included; see dedupe() for which ones are accepted.
    // (Copy-on-write: a copy of the project shares them until one side asks for the mutable vector.)
    std::vector<IncidentRecord> &mutableRecords() { touch(); m_rev.records = nextRevision(); return m_records.mut(); }
    const std::vector<IncidentRecord> &records() const { return *m_records; }
    std::vector<QuarantinedRow> &mutableQuarantine() { touch(); m_rev.quarantine = nextRevision(); return m_quarantine.mut(); }
    const std::vector<QuarantinedRow> &quarantine() const { return *m_quarantine; }
    std::vector<RowWarning> &mutableWarnings() { touch(); m_rev.warnings = nextRevision(); return m_warnings.mut(); }
    const std::vector<RowWarning> &warnings() const { return *m_warnings; }

    // Duplicates: computed from the records and the recorded choices (cached until something changes).
    const DedupeResult &dedupe() const;
    void chooseDuplicate(const QString &uuid, const RecordKey &key);
    void clearDuplicateChoice(const QString &uuid);
    const QHash<QString, RecordKey> &duplicateChoices() const { return m_duplicateChoices; }
    std::vector<IncidentRecord> acceptedRecords() const;
    // Totals (and per source when sourceIndex >= 0): read = accepted + duplicates + quarantined.
    RowCounts counts(int sourceIndex = -1) const;
    qint64 acceptedOfType(RecordType t) const;

    // Edits to quarantined rows.
    const std::vector<RowEdit> &rowEdits() const { return m_rowEdits; }
    void setRowEdit(const RowEdit &edit);

    // Sections owned by other parts (roster decisions and inputs, wizard state): opaque JSON kept verbatim.
    nlohmann::json &section(const std::string &name) { ++m_generation; return m_sections[name]; }
    const nlohmann::json *section(const std::string &name) const;

    // Derived data kept with the project so that commands need not rebuild it (the roster built from the
    // records): stored under a name together with the key of the inputs it was built from; cache() returns it
    // only while the key matches. Saved with the project; never something the administrator decided.
    void setCache(const std::string &name, const QByteArray &key, const QByteArray &data);
    std::optional<QByteArray> cache(const std::string &name, const QByteArray &key) const;
    // An id that changes whenever the records, sources, quarantine, duplicate choices, edits, school or date
    // order change (whatever touch() marks), kept in the file: part of the key of anything derived from them.
    QByteArray recordsRevision() const;

    // Bumped on every change; the GUI autosaves when it moves.
    quint64 generation() const { return m_generation; }
    void touch();

    // Parts of the project and the revision each was last changed at (from one process-wide counter, so equal
    // revisions mean equal content, in any copy): what save() compares with what is on disk.
    struct Revisions
    {
        quint64 sources = 0, records = 0, quarantine = 0, warnings = 0;
    };
    static quint64 nextRevision();

private:
    friend class ProjectFile;
    friend struct ProjectWriter;
    friend struct ProjectReader;
    SchoolInfo m_school;
    DateOrder m_dateOrder = DateOrder::Auto;
    std::vector<SourceInfo> m_sources;
    Cow<std::vector<IncidentRecord>> m_records;
    Cow<std::vector<QuarantinedRow>> m_quarantine;
    Cow<std::vector<RowWarning>> m_warnings;
    QHash<QString, RecordKey> m_duplicateChoices;
    std::vector<RowEdit> m_rowEdits;
    nlohmann::json m_sections = nlohmann::json::object();
    quint64 m_generation = 0;
    mutable DedupeResult m_dedupe;
    mutable bool m_dedupeValid = false;
    // recordsRevision(): this process's random salt + a process-wide counter taken on every touch(), or (counter 0)
    // the revision read from the file.
    quint64 m_revisionCounter = 0;
    QByteArray m_loadedRevision;
    struct CacheEntry
    {
        QByteArray key;
        QByteArray data;
        quint64 revision = 0;
    };
    std::map<std::string, CacheEntry> m_caches;
    Revisions m_rev;
    // What is on disk, shared by every copy of this project (a snapshot saved on a worker updates it for the
    // original); mutex-protected. Null until loaded or saved.
    mutable std::shared_ptr<ProjectFileState> m_file;
    QString m_convertedFrom;
};

QString sha256OfFile(const QString &path); // hex; throws SourceError

} // namespace tt
