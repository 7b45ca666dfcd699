#include "importer.h"

#include "common/errors.h"
#include "records/recordvalidator.h"
#include "sheets/csvreader.h"
#include "sheets/xlsxreader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <climits>
#include <QSet>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <limits>
#include <memory>

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::Importer", text); }

const QString &incidentsSheet()
{
    static const QString s = QStringLiteral("Incidents");
    return s;
}
const QString &commendationsSheet()
{
    static const QString s = QStringLiteral("Commendations");
    return s;
}

// Appends from's items to `to`: the whole vector when `to` is empty (no copy), else with one regrowth at most.
template<typename T>
void moveAppend(std::vector<T> &to, std::vector<T> &from)
{
    if (to.empty())
        to.swap(from);
    else
        to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

} // namespace

std::optional<RecordType> typeFromFileName(const QString &path)
{
    const QString name = QFileInfo(path).completeBaseName().toLower();
    const bool inc = name.contains(u"incident");
    const bool com = name.contains(u"commendation");
    if (inc && !com)
        return RecordType::Incident;
    if (com && !inc)
        return RecordType::Commendation;
    return std::nullopt;
}

// Feeds the rows of one source into a validator: detects the header on the first non-blank row,
// applies the administrator's fixes to quarantined rows, and polls for cancel.
class Importer::Session
{
public:
    // Everything about the source (its name, tab, the user's mapping and row fixes) comes from the project;
    // mapping overrides the user's mapping and detection.
    Session(const Project &project, int index, Progress *progress, std::optional<ColumnMapping> mapping = std::nullopt)
        : m_index(index), m_progress(progress)
    {
        const SourceInfo &src = project.sources()[size_t(index)];
        m_sourceName = src.displayName();
        m_path = src.path;
        m_type = src.type;
        m_mapping = mapping ? mapping : src.mappingFromUser ? std::optional(src.mapping) : std::nullopt;
        for (const RowEdit &e : project.rowEdits())
            if (e.sourceSha256 == src.sha256 && e.sheet == src.sheet)
                m_edits.insert(e.row, e.cells);
        takeSettings(project);
    }
    // A source read before its slot exists (beside another one, on another thread), as prepareSource() will make
    // it: the user's mapping of the source at that path and sheet if any, the row edits of that content;
    // retarget() gives it its slot afterwards.
    Session(const Project &project, const SourceInfo &future, Progress *progress) : m_index(-1), m_progress(progress)
    {
        m_path = future.path;
        m_sourceName = future.displayName();
        m_type = future.type;
        const int old = project.findSourceByPath(future.path, future.sheet);
        if (old >= 0 && project.sources()[size_t(old)].mappingFromUser)
            m_mapping = project.sources()[size_t(old)].mapping;
        for (const RowEdit &e : project.rowEdits())
            if (e.sourceSha256 == future.sha256 && e.sheet == future.sheet)
                m_edits.insert(e.row, e.cells);
        takeSettings(project);
    }
    // An empty session of the source at index; part() fills it in.
    Session(int index, Progress *progress) : m_index(index), m_progress(progress) {}
    static SourceInfo futureSource(const QString &path, const QString &kind, const QString &sheet, RecordType type,
                                   const QString &sha256)
    {
        SourceInfo info;
        info.path = QFileInfo(path).absoluteFilePath();
        info.kind = kind;
        info.sheet = sheet;
        info.type = type;
        info.sha256 = sha256;
        return info;
    }
    void takeSettings(const Project &project)
    {
        // A zone of its own (not a copy sharing the project's): sessions validate on two threads at once.
        const QTimeZone zone = project.timeZone();
        const QTimeZone own(zone.id());
        m_zone = own.isValid() && own.id() == zone.id() ? own : zone;
        m_order = project.dateOrder();
        m_fallbackOrder = project.fallbackDateOrder();
    }
    // The source slot the rows belong to, once known (records, quarantine and warnings carry it).
    void retarget(int index)
    {
        m_index = index;
        if (m_validator)
            m_validator->setSourceIndex(index);
    }

    // How many columns of a row are worth reading: those up to the mapping's kept columns once it is known,
    // else enough to find a header.
    int columnLimit() const { return m_mapping ? m_mapping->keptColumns() : DetectColumns; }
    static constexpr int DetectColumns = 1024;

    // The memory budget of this source: 64 MB and 32 times its size in bytes.
    void setBudgetFromSize(qint64 bytes) { m_budget = (qint64(64) << 20) + 32 * std::max<qint64>(0, bytes); }

    bool feed(SheetRow &row)
    {
        if ((++m_rows & 0x1fff) == 0)
            checkCancel(m_progress);
        if (!m_edits.isEmpty()) {
            auto it = m_edits.constFind(row.number);
            if (it != m_edits.constEnd()) {
                row.cells.clear();
                row.cellsBeyond = 0;
                for (const QString &c : *it)
                    row.cells.push_back(Cell::makeText(c));
            }
        }
        m_cellsBeyond += row.cellsBeyond;
        account(row);
        if (!m_validator) {
            if (row.isBlank()) {
                ++m_leadingBlank;
                return true;
            }
            if (!m_mapping)
                m_mapping = ColumnMapping::detect(row);
            startValidator();
            SheetRow blank;
            for (qint64 i = 0; i < m_leadingBlank; ++i)
                m_validator->add(blank);
            m_firstRow = row;
        }
        m_validator->add(row);
        return true;
    }

    // The validator of the rows from here on (the mapping is known).
    void startValidator()
    {
        ValidationContext ctx;
        ctx.sourceIndex = m_index;
        ctx.sourceName = m_sourceName;
        ctx.type = m_type;
        ctx.mapping = *m_mapping;
        ctx.zone = m_zone;
        ctx.order = m_order;
        ctx.fallbackOrder = m_fallbackOrder;
        m_validator = std::make_unique<RecordValidator>(ctx);
        m_validator->reserve(m_expectedRows);
    }

    // A part of this source read beside it on another thread (see readCsvInTwo): the same source, settings and
    // mapping (known: the first row that is not blank was read), and its own time zone and validator. Unless
    // `first`, its first row that is not blank is not the source's first.
    std::unique_ptr<Session> part(const ColumnMapping &mapping, bool first, qint64 expectedRows) const
    {
        auto s = std::make_unique<Session>(m_index, m_progress);
        s->m_path = m_path;
        s->m_sourceName = m_sourceName;
        s->m_type = m_type;
        s->m_mapping = mapping;
        const QTimeZone own(m_zone.id());
        s->m_zone = own.isValid() && own.id() == m_zone.id() ? own : m_zone;
        s->m_order = m_order;
        s->m_fallbackOrder = m_fallbackOrder;
        s->m_budget = m_budget;
        s->m_expectedRows = expectedRows;
        if (!first) {
            s->startValidator();
            s->m_validator->continuesSource();
        }
        return s;
    }
    // Appends the part read after this one: as if this session had been fed its rows too.
    void append(Session &&later)
    {
        m_rows += later.m_rows;
        m_held += later.m_held;
        m_cellsBeyond += later.m_cellsBeyond;
        m_validator->append(std::move(*later.m_validator));
    }
    // Takes over what a part read (the first part, with the others appended).
    void takeRead(Session &&read)
    {
        m_mapping = read.m_mapping;
        m_validator = std::move(read.m_validator);
        m_leadingBlank = read.m_leadingBlank;
        m_rows += read.m_rows;
        m_held += read.m_held;
        m_cellsBeyond += read.m_cellsBeyond;
        m_firstRow = std::move(read.m_firstRow);
    }

    // What the row can cost the project (records, quarantine) in memory; refuses the source past its budget.
    void account(const SheetRow &row)
    {
        if (row.isBlank())
            return;
        const size_t limit = std::min(row.cells.size(), size_t(columnLimit()));
        qint64 bytes = 64;
        size_t largest = 0;
        for (size_t i = 0; i < limit; ++i) {
            const Cell &c = row.cells[i];
            if (c.kind == Cell::Kind::Empty)
                continue;
            bytes += 40 + 2 * qint64(c.text.size());
            if (c.text.size() > row.cells[largest].text.size())
                largest = i;
        }
        m_held += bytes;
        if (m_held <= m_budget)
            return;
        throw SourceError(m_path, tr("%1, row %2, column %3: reading this source would need more than %4 MB of memory, "
                                     "far more than a sheet of its size holds (the row's largest value is in column "
                                     "%3). It was not read because it may be malicious; export the sheet again.")
                                      .arg(m_sourceName)
                                      .arg(row.number)
                                      .arg(columnLetter(int(largest)))
                                      .arg(m_budget >> 20));
    }

    int m_index;
    QTimeZone m_zone;
    DateOrder m_order = DateOrder::Auto;
    DateOrder m_fallbackOrder = DateOrder::DayFirst;
    QString m_path;
    QString m_sourceName;
    RecordType m_type;
    std::optional<ColumnMapping> m_mapping;
    QHash<qint64, QStringList> m_edits;
    Progress *m_progress;
    std::unique_ptr<RecordValidator> m_validator;
    qint64 m_expectedRows = 0; // a hint from the file size
    qint64 m_leadingBlank = 0;
    qint64 m_rows = 0;
    qint64 m_held = 0;                          // estimated bytes of the rows read so far
    qint64 m_budget = std::numeric_limits<qint64>::max(); // see setBudgetFromSize
    qint64 m_cellsBeyond = 0;                   // values a reader left out (beyond columnLimit())
    SheetRow m_firstRow;
};

void Importer::readWorkbookSheet(XlsxReader &reader, const QString &sheet, Session &session, Progress *progress)
{
    // Once the mapping is known, the reader keeps only the columns worth keeping: a row with a value in column
    // XFD is not 16,384 cells wide.
    reader.setColumnLimit(session.columnLimit());
    reader.readSheet(
        sheet,
        [&session, &reader](SheetRow &row) {
            const bool more = session.feed(row);
            reader.setColumnLimit(session.columnLimit());
            return more;
        },
        progress);
}

int Importer::prepareSource(const QString &path, const QString &kind, const QString &sheet, RecordType type,
                            const QString &sha256, ImportOutcome *outcome)
{
    const int same = m_project.findSource(sha256, sheet);
    if (same >= 0) {
        outcome->sourceIndex = same;
        outcome->alreadyImported = true;
        outcome->displayName = m_project.sources()[size_t(same)].displayName();
        outcome->counts = m_project.counts(same);
        outcome->notes << tr("%1 was imported before with the same content; nothing was added.").arg(outcome->displayName);
        return -1;
    }
    SourceInfo info;
    info.path = kind == u"sheets-api" ? path : QFileInfo(path).absoluteFilePath();
    info.kind = kind;
    info.sheet = sheet;
    info.type = type;
    info.sha256 = sha256;
    info.importedAt = QDateTime::currentDateTimeUtc();
    int index = m_project.findSourceByPath(path, sheet);
    if (index >= 0) {
        outcome->replaced = true;
        SourceInfo &old = m_project.mutableSources()[size_t(index)];
        if (old.mappingFromUser) {
            info.mapping = old.mapping;
            info.mappingFromUser = true;
        }
        old = info;
    } else {
        index = int(m_project.sources().size());
        m_project.mutableSources().push_back(info);
    }
    outcome->sourceIndex = index;
    outcome->displayName = m_project.sources()[size_t(index)].displayName();
    return index;
}

ImportOutcome Importer::finishSource(int index, Session &session, bool count)
{
    SourceInfo &src = m_project.mutableSources()[size_t(index)];
    ImportOutcome out;
    out.sourceIndex = index;
    out.displayName = src.displayName();
    if (!session.m_validator) {
        // Nothing but blank rows (or nothing at all).
        src.counts = RowCounts{};
        src.counts.blank = session.m_leadingBlank;
        src.mapping = session.m_mapping.value_or(ColumnMapping::positional());
        src.notes = QStringList{tr("%1 holds no rows.").arg(out.displayName)};
        m_project.clearSourceData(index);
        if (count)
            out.counts = m_project.counts(index);
        out.notes = src.notes;
        return out;
    }
    RecordValidator &v = *session.m_validator;
    v.finish();
    const RowCounts vc = v.counts();
    const ColumnMapping &mapping = *session.m_mapping;
    if (!mapping.hasHeader() && !src.mappingFromUser && vc.read > 0 && v.records().empty()) {
        QStringList first;
        for (const Cell &c : session.m_firstRow.cells)
            first << RecordValidator::cellText(c).left(30);
        throw SourceError(src.path,
                          tr("%1 does not look like a TrackTally sheet: its first row (%2) names none of "
                             "TrackTally's columns, and none of its %3 rows has a usable timestamp, student name "
                             "and teacher email in columns A, C and I. Check that you picked the Incidents or "
                             "Commendations export, or choose the columns by hand.")
                              .arg(out.displayName, first.join(QStringLiteral(", ")).left(120))
                              .arg(vc.read));
    }
    m_project.clearSourceData(index);
    src.mapping = mapping;
    src.counts = vc;
    src.dateOrderUsed = v.orderUsed();
    src.notes = v.notes();
    if (mapping.hasHeader()) {
        QStringList missing;
        for (Field f : mapping.unmapped())
            missing << fieldTitle(f);
        if (!missing.isEmpty())
            src.notes << tr("%1: the header row has no column for %2.").arg(out.displayName, missing.join(QStringLiteral(", ")));
    } else {
        src.notes << tr("%1: no header row; columns read in TrackTally's order A to L.").arg(out.displayName);
    }
    if (session.m_cellsBeyond > 0)
        src.notes << QCoreApplication::translate("tt::Importer", "%1: %n value(s) to the right of column %2 were not read: "
                                                                 "no field is mapped there.",
                                                 nullptr, int(std::min<qint64>(session.m_cellsBeyond, INT_MAX)))
                         .arg(out.displayName, columnLetter(mapping.keptColumns() - 1));
    auto &records = m_project.mutableRecords();
    if (records.empty() && records.capacity() <= v.records().capacity()) {
        records = std::move(v.records()); // no copy, and the room reserved for the files after this one
    } else {
        records.reserve(records.size() + v.records().size());
        std::move(v.records().begin(), v.records().end(), std::back_inserter(records));
    }
    moveAppend(m_project.mutableQuarantine(), v.quarantine());
    moveAppend(m_project.mutableWarnings(), v.warnings());
    if (count)
        out.counts = m_project.counts(index);
    out.notes = src.notes;
    return out;
}

// Reads one CSV file into a session; the reader's encoding and delimiter are returned.
static void readCsvFile(const QString &path, Importer::Session &session, Progress *progress, QString *encoding,
                        char *delimiter, qint64 cut = 0);

// A CSV file read on the background thread of importCsvFiles() before its turn: its rows (in a session without a
// source slot yet), its hash, or what went wrong, handed over when ready.
struct Importer::PreRead
{
    QString path;
    std::unique_ptr<Session> session;
    QString encoding;
    char delimiter = ',';
    QString sha256;
    std::exception_ptr error;
    std::promise<void> done;
    std::shared_future<void> ready = done.get_future().share();

    // Waits for the read and hands its session over, in the source slot it now has; rethrows what went wrong.
    std::unique_ptr<Session> take(int index, Progress *progress)
    {
        ready.wait();
        if (error)
            std::rethrow_exception(error);
        session->retarget(index);
        session->m_progress = progress;
        return std::move(session);
    }
};

namespace {
// The progress of a read on the background thread: cancel is polled from the caller's Progress (atomic in every
// implementation), and from the foreground when it fails; begin/advance are not forwarded (the GUI's Progress
// belongs to one thread).
class BackgroundProgress : public Progress
{
public:
    explicit BackgroundProgress(const Progress *outer) : m_outer(outer) {}
    bool cancelRequested() const override
    {
        return m_abandoned.load() || (m_outer && m_outer->cancelRequested());
    }
    void abandon() { m_abandoned.store(true); }

private:
    const Progress *m_outer;
    std::atomic_bool m_abandoned{false};
};
} // namespace

namespace {
// Files from this size on are read in two parts at once; tests set it lower, and may place the cut themselves.
std::atomic<qint64> g_splitMinBytes{qint64(8) << 20};
std::atomic<qint64> g_splitCutAt{-1};

// Reads a CSV file in two parts at once, into session as if it had read it whole: this thread reads the records
// before the first record start at or after `cut` (a byte offset of its text), another thread the rest into a
// session of its own, appended afterwards. What could differ from the whole read is read whole instead (returns
// false, session untouched): a UTF-16 file (converted before it is read; not worth it), no row that is not blank
// before the cut (the header would be in the later part), or more memory than the source's budget together.
bool readCsvInTwo(const QString &path, Importer::Session &session, Progress *progress, qint64 cut, QString *encoding,
                  char *delimiter)
{
    // Detected once for both parts: the encoding, the delimiter and, from the first row that is not blank (the
    // header or the first row of data), the mapping.
    CsvReader probe(path);
    probe.detect();
    if (probe.encoding().startsWith(u"UTF-16"))
        return false;
    CsvReader head(path);
    head.setDelimiter(probe.delimiter());
    bool found = false;
    std::optional<ColumnMapping> mapping = session.m_mapping;
    head.read(
        [&](SheetRow &row) {
            if (row.isBlank())
                return true;
            found = true;
            if (!mapping)
                mapping = ColumnMapping::detect(row);
            return false;
        },
        nullptr, {0, cut});
    if (!found)
        return false;
    const char delim = probe.delimiter();
    const qint64 size = QFileInfo(path).size();
    std::unique_ptr<Importer::Session> first = session.part(*mapping, true, session.m_expectedRows);
    const qint64 laterRows = std::max<qint64>(0, size - cut) / 300 + 16;
    std::unique_ptr<Importer::Session> later = session.part(*mapping, false, laterRows);
    BackgroundProgress background(progress);
    later->m_progress = &background;
    first->m_progress = progress;
    std::exception_ptr laterError;
    std::future<void> worker = std::async(std::launch::async, [&] {
        try {
            CsvReader reader(path);
            reader.setDelimiter(delim);
            reader.read([&later](SheetRow &row) { return later->feed(row); }, &background, {cut});
        } catch (...) {
            laterError = std::current_exception();
        }
    });
    CsvReader reader(path);
    reader.setDelimiter(delim);
    try {
        reader.read([&first](SheetRow &row) { return first->feed(row); }, progress, {0, cut});
    } catch (...) {
        background.abandon(); // the earlier part's error is the one a whole read reports
        worker.wait();
        throw;
    }
    worker.wait();
    if (!first->m_validator || first->m_held + later->m_held > first->m_budget)
        return false; // the whole read tells at which row the budget ran out
    if (laterError)
        std::rethrow_exception(laterError);
    first->append(std::move(*later));
    if (progress)
        progress->advance(size);
    *encoding = reader.encoding();
    *delimiter = reader.delimiter();
    session.takeRead(std::move(*first));
    return true;
}

// Where to cut a file of `size` bytes read on this thread while other threads read `beside` bytes of other files
// and every file is hashed: where this thread's share is half of the work. This thread reads the part before the
// cut, then files the whole source (and dedupes the project: about 0.12 of reading a byte); the other work is the
// rest of the file (found by scanning the text before the cut: about 0.05), the files beside and hashing (about
// 0.14). Measured (thread CPU time) at 262,144 logs with bench_import on 165a145; with main's faster validator
// (750d9dc) hashing weighs about 0.2, which leaves this thread a little under half (57 of 69.6 MB): the
// scheduler evens out the other threads, whereas a calling thread over half would be the import's critical path.
// 0: not worth splitting.
qint64 splitCut(qint64 size, qint64 beside)
{
    if (const qint64 at = g_splitCutAt.load(); at >= 0)
        return at;
    constexpr double hash = 0.14, scan = 0.05, file = 0.12;
    const double cut = (double(size + beside) * (1 + hash) - file * double(size)) / (2 - scan);
    return cut < 0.95 * double(size) ? qint64(cut) : 0;
}
} // namespace

void readCsvFile(const QString &path, Importer::Session &session, Progress *progress, QString *encoding,
                 char *delimiter, qint64 cut)
{
    const qint64 size = QFileInfo(path).size();
    session.m_expectedRows += size / 300 + 16; // TrackTally rows are 250-500 bytes: rarely regrown, never copied twice
    session.setBudgetFromSize(size);
    if (cut > 0 && session.m_edits.isEmpty() && size >= g_splitMinBytes.load()
        && readCsvInTwo(path, session, progress, cut, encoding, delimiter))
        return;
    CsvReader reader(path);
    reader.read([&session](SheetRow &row) { return session.feed(row); }, progress);
    *encoding = reader.encoding();
    *delimiter = reader.delimiter();
}

ImportOutcome Importer::readCsvInto(int index, Progress *progress, std::optional<ColumnMapping> mapping, PreRead *pre,
                                  bool count)
{
    const SourceInfo &src = m_project.sources()[size_t(index)];
    if (progress)
        progress->begin(tr("Reading %1").arg(src.displayName()), QFileInfo(src.path).size());
    std::unique_ptr<Session> session;
    QString encoding;
    char delimiter = ',';
    if (pre) {
        session = pre->take(index, progress);
        encoding = pre->encoding;
        delimiter = pre->delimiter;
        if (progress)
            progress->advance(QFileInfo(src.path).size());
    } else {
        session = std::make_unique<Session>(m_project, index, progress, mapping);
        session->m_expectedRows = std::exchange(m_reserveAlso, 0);
        readCsvFile(src.path, *session, progress, &encoding, &delimiter,
                    splitCut(QFileInfo(src.path).size(), std::exchange(m_readBeside, 0)));
    }
    ImportOutcome out = finishSource(index, *session, false);
    SourceInfo &s = m_project.mutableSources()[size_t(index)];
    s.encoding = encoding;
    s.delimiter = delimiter == '\t' ? QStringLiteral("tab") : QString(QLatin1Char(delimiter));
    if (count) // after the change above, which makes the project's dedupe stale: computed once, kept
        out.counts = m_project.counts(index);
    return out;
}

bool Importer::hasRowEdits(const QString &path, const QString &sheet) const
{
    const int byPath = m_project.findSourceByPath(path, sheet);
    if (byPath < 0)
        return false;
    for (const RowEdit &e : m_project.rowEdits())
        if (e.sourceSha256 == m_project.sources()[size_t(byPath)].sha256)
            return true;
    return false;
}

void Importer::setCsvSplitForTests(qint64 minBytes, qint64 cutAt)
{
    g_splitMinBytes.store(minBytes);
    g_splitCutAt.store(cutAt);
}

ImportOutcome Importer::importCsv(const QString &path, RecordType type, Progress *progress,
                                  std::optional<ColumnMapping> mapping)
{
    return importCsvFile(path, type, progress, mapping, nullptr);
}

std::vector<ImportOutcome> Importer::importCsvFiles(const std::vector<CsvFile> &files, Progress *progress)
{
    // The files after the first are read on one background thread, in order, while this thread imports the first
    // (two cores: two files at once). Only what reading needs is shared: the project is changed on this thread
    // alone, file by file in the given order, so the result is the sequential one.
    checkCancel(progress);
    std::vector<std::unique_ptr<PreRead>> pre(files.size());
    QSet<QString> seen;
    for (const CsvFile &f : files)
        seen.insert(QFileInfo(f.path).absoluteFilePath());
    const bool distinct = seen.size() == qsizetype(files.size()); // a file named twice: in turn, as before
    const QString sheetOf[2] = {incidentsSheet(), commendationsSheet()};
    for (size_t k = 1; distinct && k < files.size(); ++k) {
        const QFileInfo fi(files[k].path);
        const QString sheet = files[k].type == RecordType::Incident ? sheetOf[0] : sheetOf[1];
        if (!fi.isFile() || !fi.isReadable() || hasRowEdits(files[k].path, sheet))
            continue; // read in its turn, as importCsv() does
        pre[k] = std::make_unique<PreRead>();
        pre[k]->path = files[k].path;
        pre[k]->session = std::make_unique<Session>(
            m_project, Session::futureSource(files[k].path, QStringLiteral("csv"), sheet, files[k].type,
                                             QStringLiteral("pending:") + fi.absoluteFilePath()), nullptr);
    }
    // The first file's records become the project's (when it has none yet) with room for the others' records:
    // the project's vector is not regrown (each regrowth briefly holds two copies of every record read so far).
    // Capacity never written to costs address space, not memory.
    for (size_t k = 1; k < files.size(); ++k) {
        m_reserveAlso += QFileInfo(files[k].path).size() / 300;
        m_readBeside += pre[k] ? QFileInfo(files[k].path).size() : 0;
    }
    BackgroundProgress background(progress);
    std::shared_future<QString> firstHash;
    std::future<void> worker;
    if (std::any_of(pre.begin(), pre.end(), [](const auto &p) { return bool(p); })) {
        // The first file is hashed on a thread of its own meanwhile (after the other files on the background
        // thread, its outcome waited for it: that thread's share is the larger once the first file is read in two
        // parts).
        const QString firstSheet = files[0].type == RecordType::Incident ? sheetOf[0] : sheetOf[1];
        if (QFileInfo(files[0].path).isFile() && !hasRowEdits(files[0].path, firstSheet))
            firstHash = std::async(std::launch::async, [path = files[0].path] { return sha256OfFile(path); }).share();
        worker = std::async(std::launch::async, [&pre, &background] {
            for (auto &p : pre) {
                if (!p)
                    continue;
                try {
                    checkCancel(&background);
                    p->session->m_progress = &background;
                    readCsvFile(p->path, *p->session, &background, &p->encoding, &p->delimiter);
                    p->sha256 = sha256OfFile(p->path);
                } catch (...) {
                    p->error = std::current_exception();
                }
                p->done.set_value();
            }
        });
    }
    std::vector<ImportOutcome> outcomes;
    try {
        for (size_t k = 0; k < files.size(); ++k)
            outcomes.push_back(importCsvFile(files[k].path, files[k].type, progress, std::nullopt, pre[k].get(),
                                             k == 0 ? firstHash : std::shared_future<QString>()));
    } catch (...) {
        m_reserveAlso = m_readBeside = 0;
        background.abandon();
        if (worker.valid())
            worker.wait();
        throw;
    }
    m_reserveAlso = m_readBeside = 0;
    return outcomes;
}

ImportOutcome Importer::importCsvFile(const QString &path, RecordType type, Progress *progress,
                                      std::optional<ColumnMapping> mapping, PreRead *pre,
                                      std::shared_future<QString> knownHash)
{
    QFileInfo fi(path);
    if (!fi.exists())
        throw SourceError(path, tr("The file %1 does not exist.").arg(path));
    if (!fi.isFile() || !fi.isReadable())
        throw SourceError(path, tr("The file %1 cannot be read.").arg(path));
    const QString sheet = type == RecordType::Incident ? incidentsSheet() : commendationsSheet();
    // The hash runs beside the parse (two cores); it decides afterwards whether anything is new. A file read in
    // the background was hashed there.
    auto hash = pre ? std::async(std::launch::deferred, [pre] {
        pre->ready.wait();
        if (pre->error)
            std::rethrow_exception(pre->error);
        return pre->sha256;
    })
                : knownHash.valid() ? std::async(std::launch::deferred, [knownHash] { return knownHash.get(); })
                                    : std::async(std::launch::async, [path] { return sha256OfFile(path); });
    if (!pre && !knownHash.valid() && hasRowEdits(path, sheet)) {
        // Edits belong to one version of the file: know the version before reading.
        const QString sha = hash.get();
        ImportOutcome outcome;
        const int index = prepareSource(path, QStringLiteral("csv"), sheet, type, sha, &outcome);
        if (index < 0)
            return outcome;
        ImportOutcome out = readCsvInto(index, progress, mapping);
        out.replaced = outcome.replaced;
        return out;
    }
    // Read into a scratch project slot, then keep it only if the content is new.
    const std::vector<SourceInfo> sourcesBefore = m_project.sources();
    ImportOutcome outcome;
    const QString provisionalSha = QStringLiteral("pending:") + fi.absoluteFilePath();
    const int index = prepareSource(path, QStringLiteral("csv"), sheet, type, provisionalSha, &outcome);
    ImportOutcome out;
    try {
        out = readCsvInto(index, progress, mapping, pre, false); // counted below, once the hash is set
    } catch (...) {
        hash.wait();
        m_project.mutableSources() = sourcesBefore;
        throw;
    }
    // The first of importCsvFiles' files: its hash comes from the other thread, which may still be reading the
    // files after it; the outcome is counted (a dedupe) meanwhile. Otherwise once the hash is set (below), so that
    // the project's dedupe stays valid for whoever counts next.
    const bool countNow
        = knownHash.valid() && knownHash.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    if (countNow)
        out.counts = m_project.counts(index);
    const QString sha = hash.get();
    const int same = [&] {
        for (size_t i = 0; i < sourcesBefore.size(); ++i)
            if (sourcesBefore[i].sha256 == sha && sourcesBefore[i].sheet == sheet)
                return int(i);
        return -1;
    }();
    if (same >= 0 && same != index) {
        // The same content under another path: the rows just read are a copy. Undo.
        m_project.clearSourceData(index);
        m_project.mutableSources() = sourcesBefore;
        ImportOutcome dup;
        dup.sourceIndex = same;
        dup.alreadyImported = true;
        dup.displayName = m_project.sources()[size_t(same)].displayName();
        dup.counts = m_project.counts(same);
        dup.notes << tr("%1 has the same content as %2, imported before; nothing was added.")
                         .arg(QFileInfo(path).fileName(), dup.displayName);
        return dup;
    }
    if (same == index) {
        // Same path, same content: the re-read gave the same rows (edits aside, which the hash guards).
        out.alreadyImported = true;
        out.notes.prepend(tr("%1 was imported before with the same content; nothing was added.").arg(out.displayName));
    }
    m_project.mutableSources()[size_t(index)].sha256 = sha;
    out.replaced = outcome.replaced && same != index;
    if (!countNow)
        out.counts = m_project.counts(index);
    return out;
}

std::vector<ImportOutcome> Importer::readWorkbookInto(const QString &path, const QString &sha256,
                                                      const QStringList &onlySheets, Progress *progress)
{
    XlsxReader reader(path);
    const QStringList names = reader.sheetNames();
    std::vector<ImportOutcome> outcomes;
    auto findSheet = [&names](const QString &wanted) -> QString {
        for (const QString &n : names)
            if (n == wanted)
                return n;
        for (const QString &n : names)
            if (n.trimmed().compare(wanted, Qt::CaseInsensitive) == 0)
                return n;
        return {};
    };
    struct Wanted
    {
        QString name;
        RecordType type;
        QString actual;
    };
    std::vector<Wanted> sheets;
    for (const auto &[wanted, type] : {std::pair{incidentsSheet(), RecordType::Incident},
                                       std::pair{commendationsSheet(), RecordType::Commendation}}) {
        if (!onlySheets.isEmpty() && !onlySheets.contains(wanted))
            continue;
        if (const QString actual = findSheet(wanted); !actual.isEmpty())
            sheets.push_back({wanted, type, actual});
    }
    if (sheets.empty())
        throw SourceError(path, tr("%1 has no sheet named Incidents or Commendations. Its sheets are: %2.")
                                    .arg(QFileInfo(path).fileName(), names.join(QStringLiteral(", "))));

    // The second sheet is read on a background thread (its own reader, the shared texts read once) while this
    // thread reads the first; the project is changed here alone, sheet by sheet, as before.
    BackgroundProgress background(progress);
    std::unique_ptr<PreRead> second;
    std::unique_ptr<XlsxReader> secondReader;
    std::future<void> worker;
    if (sheets.size() == 2 && m_project.findSource(sha256, sheets[1].name) < 0 && reader.preloadSharedStrings(progress)) {
        second = std::make_unique<PreRead>();
        second->session = std::make_unique<Session>(
            m_project, Session::futureSource(path, QStringLiteral("xlsx"), sheets[1].name, sheets[1].type, sha256), nullptr);
        second->session->setBudgetFromSize(QFileInfo(path).size());
        second->session->m_progress = &background;
        secondReader = std::make_unique<XlsxReader>(path);
        reader.shareSharedStrings(*secondReader);
        worker = std::async(std::launch::async, [&] {
            try {
                readWorkbookSheet(*secondReader, sheets[1].actual, *second->session, &background);
            } catch (...) {
                second->error = std::current_exception();
            }
            second->done.set_value();
        });
    }
    try {
        for (size_t k = 0; k < sheets.size(); ++k)
            readWorkbookSheetInto(reader, path, sha256, sheets[k].name, sheets[k].type, sheets[k].actual, progress,
                                  k == 1 ? second.get() : nullptr, outcomes);
    } catch (...) {
        background.abandon();
        if (worker.valid())
            worker.wait();
        throw;
    }
    return outcomes;
}

void Importer::readWorkbookSheetInto(XlsxReader &reader, const QString &path, const QString &sha256,
                                     const QString &wanted, RecordType type, const QString &actual, Progress *progress,
                                     PreRead *pre, std::vector<ImportOutcome> &outcomes)
{
    ImportOutcome prepared;
    const int index = prepareSource(path, QStringLiteral("xlsx"), wanted, type, sha256, &prepared);
    if (index < 0) {
        outcomes.push_back(prepared);
        return;
    }
    const SourceInfo &src = m_project.sources()[size_t(index)];
    if (progress)
        progress->begin(tr("Reading %1").arg(src.displayName()), 0);
    const std::vector<SourceInfo> before = m_project.sources();
    try {
        std::unique_ptr<Session> session;
        if (pre) {
            session = pre->take(index, progress);
        } else {
            session = std::make_unique<Session>(m_project, index, progress);
            session->setBudgetFromSize(QFileInfo(path).size());
            readWorkbookSheet(reader, actual, *session, progress);
        }
        ImportOutcome out = finishSource(index, *session);
        out.replaced = prepared.replaced;
        outcomes.push_back(out);
    } catch (...) {
        m_project.mutableSources() = before;
        if (!prepared.replaced)
            m_project.mutableSources().pop_back();
        throw;
    }
}

std::vector<ImportOutcome> Importer::importWorkbook(const QString &path, Progress *progress)
{
    QFileInfo fi(path);
    if (!fi.exists())
        throw SourceError(path, tr("The file %1 does not exist.").arg(path));
    const QString sha = sha256OfFile(path);
    return readWorkbookInto(path, sha, {}, progress);
}

ImportOutcome Importer::importRows(const QString &identity, const QString &kind, const QString &sheet, RecordType type,
                                   const QString &sha256, const std::vector<SheetRow> &rows, Progress *progress)
{
    ImportOutcome pre;
    const int index = prepareSource(identity, kind, sheet, type, sha256, &pre);
    if (index < 0)
        return pre;
    const SourceInfo &src = m_project.sources()[size_t(index)];
    Session session(m_project, index, progress);
    if (progress)
        progress->begin(tr("Reading %1").arg(src.displayName()), qint64(rows.size()));
    qint64 n = 0;
    for (const SheetRow &r : rows) {
        SheetRow copy = r;
        session.feed(copy);
        if (progress && (++n & 0xfff) == 0)
            progress->advance(n);
    }
    ImportOutcome out = finishSource(index, session);
    out.replaced = pre.replaced;
    return out;
}

ImportOutcome Importer::reimport(int sourceIndex, Progress *progress)
{
    if (sourceIndex < 0 || size_t(sourceIndex) >= m_project.sources().size())
        throw UserError(tr("There is no source number %1 in this project.").arg(sourceIndex + 1));
    const SourceInfo src = m_project.sources()[size_t(sourceIndex)];
    if (src.kind == u"sheets-api")
        throw UserError(tr("%1 came from the Google Sheets API; fetch it again to re-read it.").arg(src.displayName()));
    const QString sha = sha256OfFile(src.path);
    if (sha != src.sha256) {
        // The file changed since it was imported: read it as a new version of the source.
        if (src.kind == u"csv")
            return importCsv(src.path, src.type, progress, src.mappingFromUser ? std::optional(src.mapping) : std::nullopt);
        auto outs = importWorkbook(src.path, progress);
        for (const ImportOutcome &o : outs)
            if (o.sourceIndex == sourceIndex)
                return o;
        return outs.empty() ? ImportOutcome{} : outs.front();
    }
    if (src.kind == u"csv")
        return readCsvInto(sourceIndex, progress, std::nullopt);
    // XLSX: re-read just this sheet into the same slot.
    XlsxReader reader(src.path);
    Session session(m_project, sourceIndex, progress);
    session.setBudgetFromSize(QFileInfo(src.path).size());
    QString actual = src.sheet;
    for (const QString &n : reader.sheetNames())
        if (n.trimmed().compare(src.sheet, Qt::CaseInsensitive) == 0)
            actual = n;
    readWorkbookSheet(reader, actual, session, progress);
    return finishSource(sourceIndex, session);
}

ImportOutcome Importer::remap(int sourceIndex, const ColumnMapping &mapping, Progress *progress)
{
    if (sourceIndex < 0 || size_t(sourceIndex) >= m_project.sources().size())
        throw UserError(tr("There is no source number %1 in this project.").arg(sourceIndex + 1));
    const QStringList problems = mapping.problems();
    if (!problems.isEmpty())
        throw UserError(problems.join(QLatin1Char(' ')));
    SourceInfo &src = m_project.mutableSources()[size_t(sourceIndex)];
    const SourceInfo before = src;
    src.mapping = mapping;
    src.mappingFromUser = true;
    try {
        return reimport(sourceIndex, progress);
    } catch (...) {
        m_project.mutableSources()[size_t(sourceIndex)] = before;
        throw;
    }
}

bool Importer::fixQuarantinedRow(size_t quarantineIndex, const QStringList &cells)
{
    if (quarantineIndex >= m_project.quarantine().size())
        throw UserError(tr("There is no quarantined row number %1.").arg(quarantineIndex + 1));
    const QuarantinedRow old = m_project.quarantine()[quarantineIndex];
    SourceInfo &src = m_project.mutableSources()[size_t(old.sourceIndex)];
    m_project.setRowEdit(RowEdit{src.sha256, src.sheet, old.row, cells});

    ValidationContext ctx;
    ctx.sourceIndex = old.sourceIndex;
    ctx.sourceName = src.displayName();
    ctx.type = src.type;
    ctx.mapping = src.mapping;
    ctx.mapping.setHasHeader(false); // one row alone is never a header
    ctx.zone = m_project.timeZone();
    ctx.order = src.dateOrderUsed == DateOrder::Auto ? m_project.fallbackDateOrder() : src.dateOrderUsed;
    ctx.fallbackOrder = ctx.order;
    RecordValidator v(ctx);
    SheetRow row;
    row.number = old.row;
    for (const QString &c : cells)
        row.cells.push_back(Cell::makeText(c));
    v.add(row);
    v.finish();
    auto &quarantine = m_project.mutableQuarantine();
    if (!v.records().empty()) {
        quarantine.erase(quarantine.begin() + qsizetype(quarantineIndex));
        m_project.mutableRecords().push_back(std::move(v.records().front()));
        auto &warnings = m_project.mutableWarnings();
        std::move(v.warnings().begin(), v.warnings().end(), std::back_inserter(warnings));
        src.counts.quarantined = std::max<qint64>(0, src.counts.quarantined - 1);
        return true;
    }
    if (!v.quarantine().empty())
        quarantine[quarantineIndex] = std::move(v.quarantine().front());
    else
        quarantine[quarantineIndex].reason = tr("%1 row %2: the row is empty").arg(src.displayName()).arg(old.row);
    return false;
}

} // namespace tt
