#pragma once
// A recovery project: one file that holds every source, mapping, decision and edit, so work can stop and
// resume and survive a crash. JSON (nlohmann_json) with a format version; saved atomically with mode 0600,
// because it holds children's names.
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

class Project
{
public:
    static constexpr int FormatVersion = 1;

    static Project create(const SchoolInfo &school);
    // Throws ProjectError with a message naming the file (missing, not a project, newer format, damaged).
    static Project load(const QString &path);
    // Atomic (QSaveFile), mode 0600. Throws ProjectError.
    void save(const QString &path) const;

    const SchoolInfo &school() const { return m_school; }
    void setSchool(const SchoolInfo &s) { m_school = s; touch(); }
    DateOrder dateOrder() const { return m_dateOrder; }
    void setDateOrder(DateOrder o) { m_dateOrder = o; touch(); }
    // The order used when a column cannot tell: the project's setting, else the school locale's.
    DateOrder fallbackDateOrder() const;
    QTimeZone timeZone() const;

    // Sources and what came of them.
    std::vector<SourceInfo> &mutableSources() { touch(); return m_sources; }
    const std::vector<SourceInfo> &sources() const { return m_sources; }
    int findSource(const QString &sha256, const QString &sheet) const;
    int findSourceByPath(const QString &path, const QString &sheet) const;
    // Removes a source's records, quarantine and warnings (its index stays, emptied, for re-import).
    void clearSourceData(int sourceIndex);

    // Every valid record read, duplicates included; see dedupe() for which ones are accepted.
    // (Copy-on-write: a copy of the project shares them until one side asks for the mutable vector.)
    std::vector<IncidentRecord> &mutableRecords() { touch(); return m_records.mut(); }
    const std::vector<IncidentRecord> &records() const { return *m_records; }
    std::vector<QuarantinedRow> &mutableQuarantine() { touch(); return m_quarantine.mut(); }
    const std::vector<QuarantinedRow> &quarantine() const { return *m_quarantine; }
    std::vector<RowWarning> &mutableWarnings() { touch(); return m_warnings.mut(); }
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

private:
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
    };
    std::map<std::string, CacheEntry> m_caches;
};

QString sha256OfFile(const QString &path); // hex; throws SourceError

} // namespace tt
