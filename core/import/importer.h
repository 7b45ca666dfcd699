#pragma once
// Adds sheet exports to a project: reads them (CSV of one tab, or an XLSX workbook's Incidents and
// Commendations sheets), maps the columns, validates every row, and keeps the accounting whole.
// Importing the same file twice adds nothing; a changed file at the same path replaces what it gave before.
#include "common/progress.h"
#include "project/project.h"

#include <future>
#include <optional>

namespace tt {

class XlsxReader;

struct ImportOutcome
{
    int sourceIndex = -1;
    QString displayName;
    bool alreadyImported = false; // same content was imported before: nothing added
    bool replaced = false;        // the file at that path changed: its earlier rows were replaced
    RowCounts counts;             // of this source (accepted/duplicates as they stand after dedupe)
    QStringList notes;
};

class Importer
{
public:
    explicit Importer(Project &project) : m_project(project) {}

    // A CSV download of one tab. type: which tab it is (Incidents or Commendations).
    // mapping: use this instead of detecting (the user's own choice, remembered in the project).
    ImportOutcome importCsv(const QString &path, RecordType type, Progress *progress = nullptr,
                            std::optional<ColumnMapping> mapping = std::nullopt);
    // Several CSV downloads at once, e.g. the Incidents and Commendations tabs: the same outcomes, in the same order,
    // as importCsv() of each in turn, but the files after the first are read on a second thread meanwhile (and the
    // first, when large, in two parts: see setCsvSplitForTests).
    struct CsvFile
    {
        QString path;
        RecordType type = RecordType::Incident;
    };
    std::vector<ImportOutcome> importCsvFiles(const std::vector<CsvFile> &files, Progress *progress = nullptr);
    // An XLSX download of the whole workbook: its "Incidents" and "Commendations" sheets.
    std::vector<ImportOutcome> importWorkbook(const QString &path, Progress *progress = nullptr);
    // Rows already read by another reader (e.g. the Sheets API): same mapping, validation and accounting.
    ImportOutcome importRows(const QString &identity, const QString &kind, const QString &sheet, RecordType type,
                             const QString &sha256, const std::vector<SheetRow> &rows, Progress *progress = nullptr);

    // Re-reads a source from its file with the project's current mapping, edits and date order.
    ImportOutcome reimport(int sourceIndex, Progress *progress = nullptr);
    // Sets a source's mapping (by the user) and re-reads it.
    ImportOutcome remap(int sourceIndex, const ColumnMapping &mapping, Progress *progress = nullptr);
    // The administrator fixed a quarantined row: store the edit and validate the row again.
    // Returns true when the row is now accepted; otherwise the quarantine reason is updated.
    bool fixQuarantinedRow(size_t quarantineIndex, const QStringList &cells);

    // A large CSV file (8 MB or more) is read in two parts on two threads at once, cut at a row boundary where
    // the threads' work balances; the outcome is exactly that of reading it whole. Tests: split files from
    // minBytes on, at byte cutAt of the text when cutAt >= 0. Not thread-safe: set before importing.
    static void setCsvSplitForTests(qint64 minBytes, qint64 cutAt = -1);

    // The common path: rows arrive through feed(); the source at index is (re)filled.
    class Session;

private:
    struct PreRead;
    ImportOutcome importCsvFile(const QString &path, RecordType type, Progress *progress,
                                std::optional<ColumnMapping> mapping, PreRead *pre,
                                std::shared_future<QString> knownHash = {});
    bool hasRowEdits(const QString &path, const QString &sheet) const;
    // Files what the session read as the source at index; count: with the outcome's counts (a dedupe of the
    // project), which a caller about to change the source again computes itself afterwards.
    ImportOutcome finishSource(int index, Session &session, bool count = true);
    int prepareSource(const QString &path, const QString &kind, const QString &sheet, RecordType type,
                      const QString &sha256, ImportOutcome *outcome);
    ImportOutcome readCsvInto(int index, Progress *progress, std::optional<ColumnMapping> mapping,
                              PreRead *pre = nullptr, bool count = true);
    static void readWorkbookSheet(XlsxReader &reader, const QString &sheet, Session &session, Progress *progress);
    std::vector<ImportOutcome> readWorkbookInto(const QString &path, const QString &sha256,
                                                const QStringList &onlySheets, Progress *progress);
    void readWorkbookSheetInto(XlsxReader &reader, const QString &path, const QString &sha256, const QString &wanted,
                               RecordType type, const QString &actual, Progress *progress, PreRead *pre,
                               std::vector<ImportOutcome> &outcomes);

    Project &m_project;
    qint64 m_reserveAlso = 0; // rows of the files importCsvFiles() reads next: room kept for them in the project
    qint64 m_readBeside = 0;  // bytes of the files importCsvFiles() reads on its other thread meanwhile
};

// Which tab a file name suggests ("Incidents.csv", "TrackTally - Commendations.csv"); nullopt when unclear.
std::optional<RecordType> typeFromFileName(const QString &path);

} // namespace tt
