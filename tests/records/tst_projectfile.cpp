// The project file (format 3, SQLite; format 2 still opens): what is saved loads with equal content; saving to the known file writes
// only what changed, also when a copy was saved in between (the autosave's snapshot); format 1 (JSON) files are
// converted on open with the original kept; damaged and newer files are refused by name; a writer killed at any
// moment leaves a file that loads with either the old or the new state; a second writer gets a clear error.
#include "common/errors.h"
#include "fixturegenerator.h"
#include "import/importer.h"
#include "project/project.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>
#include <QTemporaryDir>
#include <QUuid>
#include <QTest>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace tt;
using namespace tt::test;

namespace {

// A project with something in every part: records (with duplicates), quarantine, warnings, a duplicate choice,
// a row edit, sections (object and not), a cache.
Project sampleProject(const QString &dir, int logs, quint64 seed)
{
    SchoolSpec spec;
    spec.seed = seed;
    spec.logs = logs;
    const School school = generateSchool(spec);
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, dir + u"/inc-%1.csv"_s.arg(seed), QuirkOptions{});
    Project p = Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
    Importer(p).importCsv(inc.path, RecordType::Incident);
    p.mutableQuarantine().push_back(QuarantinedRow{0, 9001, u"timestamp"_s, u"Incidents row 9001: 'TBC' is not a date"_s,
                                                   {u"TBC"_s, u"Ari \"Quote\", Test"_s, QString(),
                                                    u"back\\slash\ttab\nline \u0001 \u00e4 \U0001F600"_s}});
    p.mutableWarnings().push_back(RowWarning{0, 12, u"teacherEmail"_s, u"an email with a spreadsheet error"_s});
    const IncidentRecord &r = p.records().front();
    p.chooseDuplicate(r.uuid, RecordKey{r.sourceIndex, r.sourceRow});
    p.setRowEdit(RowEdit{p.sources().front().sha256, u"Incidents"_s, 9001, {u"2025-03-04 09:10"_s, u"x"_s}});
    p.section("roster")["decisions"] = {{"merge", {1, 2, 3}}};
    p.section("roster")["rosterList"] = {{"entries", nlohmann::json::array({"Ari", "Bo"})}};
    p.section("wizard") = {{"step", 4}};
    p.section("flag") = true;
    p.setCache("roster", p.recordsRevision(), QByteArray("built\0roster", 12));
    return p;
}

// Equal content, part by part (what a save must keep).
void expectSameContent(const Project &a, const Project &b)
{
    QCOMPARE(a.school(), b.school());
    QCOMPARE(a.dateOrder(), b.dateOrder());
    QCOMPARE(a.sources().size(), b.sources().size());
    for (size_t i = 0; i < a.sources().size(); ++i) {
        QCOMPARE(a.sources()[i].sha256, b.sources()[i].sha256);
        QCOMPARE(a.sources()[i].mapping, b.sources()[i].mapping);
        QCOMPARE(a.sources()[i].counts, b.sources()[i].counts);
        QCOMPARE(a.sources()[i].importedAt, b.sources()[i].importedAt);
    }
    QCOMPARE(a.records().size(), b.records().size());
    for (size_t i = 0; i < a.records().size(); ++i) {
        const IncidentRecord &x = a.records()[i], &y = b.records()[i];
        QVERIFY2(x.sameContent(y), qPrintable(x.uuid));
        QCOMPARE(x.sourceIndex, y.sourceIndex);
        QCOMPARE(x.sourceRow, y.sourceRow);
        QCOMPARE(x.flags, y.flags);
    }
    QCOMPARE(a.quarantine().size(), b.quarantine().size());
    for (size_t i = 0; i < a.quarantine().size(); ++i) {
        QCOMPARE(a.quarantine()[i].reason, b.quarantine()[i].reason);
        QCOMPARE(a.quarantine()[i].cells, b.quarantine()[i].cells);
        QCOMPARE(a.quarantine()[i].row, b.quarantine()[i].row);
    }
    QCOMPARE(a.warnings().size(), b.warnings().size());
    QCOMPARE(a.duplicateChoices(), b.duplicateChoices());
    QCOMPARE(a.rowEdits().size(), b.rowEdits().size());
    for (size_t i = 0; i < a.rowEdits().size(); ++i)
        QCOMPARE(a.rowEdits()[i].cells, b.rowEdits()[i].cells);
    for (const char *name : {"roster", "wizard", "flag", "applied"}) {
        const nlohmann::json *x = a.section(name), *y = b.section(name);
        QCOMPARE(bool(x), bool(y));
        if (x)
            QCOMPARE(x->dump(), y->dump());
    }
    QCOMPARE(a.recordsRevision(), b.recordsRevision());
    QCOMPARE(a.counts(), b.counts());
}

ino_t inodeOf(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_ino : 0;
}

QByteArray head(const QString &path, int n)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.read(n) : QByteArray();
}

// Changes a project file behind the application's back (another program, a damaged copy).
bool execSql(const QString &file, const char *sql)
{
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(QFile::encodeName(file).constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// The first column of the first row of a query (-1 when it fails).
qint64 queryInt(const QString &file, const char *sql)
{
    sqlite3 *db = nullptr;
    sqlite3_stmt *st = nullptr;
    qint64 v = -1;
    if (sqlite3_open(QFile::encodeName(file).constData(), &db) == SQLITE_OK
        && sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// Rewrites a project file's records in format 2 (one row per record, as the format 2 application wrote them: its
// schema, uuids as 16 bytes when canonical, the repetitive text as ids into strings), the rest left as it is.
bool writeFormat2Records(const QString &file, const std::vector<IncidentRecord> &records)
{
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(QFile::encodeName(file).constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, R"(BEGIN; DROP TABLE recordChunks; DELETE FROM strings;
CREATE TABLE records(seq INTEGER PRIMARY KEY, uuid BLOB NOT NULL, ts INTEGER NOT NULL, type INTEGER NOT NULL,
  studentId TEXT NOT NULL, studentName INTEGER NOT NULL, level INTEGER NOT NULL, category INTEGER NOT NULL,
  location INTEGER NOT NULL, actionTaken INTEGER NOT NULL, note TEXT NOT NULL, teacherEmail INTEGER NOT NULL,
  classCode INTEGER NOT NULL, device INTEGER NOT NULL, source INTEGER NOT NULL, rowNumber INTEGER NOT NULL,
  flags INTEGER NOT NULL);
DELETE FROM meta WHERE name = 'recordCount'; UPDATE meta SET value = 2 WHERE name = 'version';
PRAGMA user_version = 2)", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_stmt *ins = nullptr, *str = nullptr;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO records VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)", -1, &ins, nullptr) == SQLITE_OK
        && sqlite3_prepare_v2(db, "INSERT INTO strings VALUES(?1, ?2)", -1, &str, nullptr) == SQLITE_OK;
    QHash<QString, qint64> ids;
    auto text = [](sqlite3_stmt *st, int i, const QString &v) {
        const QByteArray utf8 = v.toUtf8();
        sqlite3_bind_text(st, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    };
    auto id = [&](const QString &v) -> qint64 {
        if (v.isEmpty())
            return 0;
        if (!ids.contains(v)) {
            ids.insert(v, ids.size() + 1);
            sqlite3_bind_int64(str, 1, ids.size());
            text(str, 2, v);
            ok = ok && sqlite3_step(str) == SQLITE_DONE;
            sqlite3_reset(str);
        }
        return ids.value(v);
    };
    for (size_t i = 0; ok && i < records.size(); ++i) {
        const IncidentRecord &r = records[i];
        sqlite3_bind_int64(ins, 1, qint64(i));
        const QByteArray packed = QUuid(r.uuid).toRfc4122();
        if (QUuid(r.uuid).toString(QUuid::WithoutBraces) == r.uuid)
            sqlite3_bind_blob(ins, 2, packed.constData(), 16, SQLITE_TRANSIENT);
        else
            text(ins, 2, r.uuid);
        sqlite3_bind_int64(ins, 3, r.timestampMs);
        sqlite3_bind_int64(ins, 4, r.type == RecordType::Commendation ? 1 : 0);
        text(ins, 5, r.studentId);
        const QString *shared[] = {&r.studentName, &r.level, &r.category, &r.location, &r.actionTaken};
        for (int f = 0; f < 5; ++f)
            sqlite3_bind_int64(ins, 6 + f, id(*shared[f]));
        text(ins, 11, r.note);
        sqlite3_bind_int64(ins, 12, id(r.teacherEmail));
        sqlite3_bind_int64(ins, 13, id(r.classCode));
        sqlite3_bind_int64(ins, 14, id(r.device));
        sqlite3_bind_int64(ins, 15, r.sourceIndex);
        sqlite3_bind_int64(ins, 16, r.sourceRow);
        sqlite3_bind_int64(ins, 17, r.flags);
        ok = ok && sqlite3_step(ins) == SQLITE_DONE;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(str);
    ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

void expectSameRecords(const Project &a, const Project &b)
{
    QCOMPARE(a.records().size(), b.records().size());
    for (size_t i = 0; i < a.records().size(); ++i) {
        const IncidentRecord &x = a.records()[i], &y = b.records()[i];
        QVERIFY2(x.sameContent(y) && x.uuid == y.uuid, qPrintable(x.uuid));
        QCOMPARE(x.sourceIndex, y.sourceIndex);
        QCOMPARE(x.sourceRow, y.sourceRow);
        QCOMPARE(x.flags, y.flags);
    }
}

void expectRefused(const QString &path, const QString &contains)
{
    try {
        Project::load(path);
        QFAIL(qPrintable(u"accepted: "_s + path));
    } catch (const ProjectError &e) {
        QVERIFY2(e.message().contains(contains) && e.message().contains(path), qPrintable(e.message()));
    }
}

} // namespace

class tst_ProjectFile : public QObject
{
    Q_OBJECT
private slots:
    void roundTripAndPrivate();
    void manyRecordsRoundTrip();
    void savesToTheKnownFileInPlace();
    void snapshotSavedThenLive();
    void fileReplacedByAnotherWriter();
    void jsonProjectIsConverted();
    void jsonInReadOnlyFolderStillOpens();
    void newerFormatRefused();
    void damagedFilesRefused();
    void damagedChunksRefused();
    void format2FilesOpen();
    void secondWriterGetsAClearError();
    void killedWriterLeavesOldOrNew();
    void twoProgramsOnOneFile();

private:
    QTemporaryDir m_dir;
};

void tst_ProjectFile::roundTripAndPrivate()
{
    const Project p = sampleProject(m_dir.path(), 1200, 51);
    const QString file = m_dir.filePath(u"rt.ttproj"_s);
    p.save(file);
    QCOMPARE(head(file, 16), QByteArray("SQLite format 3\0", 16));
    QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                         | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    const Project loaded = Project::load(file);
    expectSameContent(loaded, p);
    QCOMPARE(loaded.cache("roster", p.recordsRevision()), std::optional<QByteArray>(QByteArray("built\0roster", 12)));
    QVERIFY(loaded.convertedFrom().isEmpty());
    // Nothing left beside it (no temporary file, no journal).
    QCOMPARE(QDir(m_dir.path()).entryList({u"rt.ttproj*"_s, u".rt.ttproj*"_s}, QDir::Files | QDir::Hidden),
             QStringList{u"rt.ttproj"_s});
}

// More records than a few chunks (4096 each) and not a multiple of them:
// every record, in order, with uuids that are not canonical, non-ASCII text and values first seen late.
void tst_ProjectFile::manyRecordsRoundTrip()
{
    Project p = sampleProject(m_dir.path(), 1200, 52);
    std::vector<IncidentRecord> &records = p.mutableRecords();
    const std::vector<IncidentRecord> base = records;
    QVERIFY(!base.empty());
    records.clear();
    for (int i = 0; i < 2 * 8192 + 37; ++i) {
        IncidentRecord r = base[size_t(i) % base.size()];
        r.sourceRow = 2 + i;
        if (i % 1000 == 7)
            r.uuid = r.uuid.toUpper(); // kept as text
        else if (i % 1000 == 8)
            r.uuid = u"not-a-uuid-%1"_s.arg(i);
        if (i % 3000 == 11)
            r.note = u"Bemerkung \u00e4\u00df \U0001F600 %1"_s.arg(i);
        if (i > 16000)
            r.location = u"Late room %1 \u00e9"_s.arg(i % 50);
        if (i % 500 == 3)
            r.classCode.clear();
        records.push_back(std::move(r));
    }
    const QString file = m_dir.filePath(u"many.ttproj"_s);
    p.save(file);
    const Project loaded = Project::load(file);
    expectSameContent(loaded, p);
    QCOMPARE(loaded.records()[8].uuid, u"not-a-uuid-8"_s);
    QCOMPARE(loaded.records()[16001].location, u"Late room 1 \u00e9"_s);
    // Chunks of 4096 records, first the index of their first record; abs() of the smallest integer is an error, so
    // the query fails otherwise.
    QVERIFY(execSql(file, "SELECT CASE WHEN min(first) = 0 AND max(first) = 16384 AND sum(count) = 16421 AND "
                          "count(*) = 5 THEN 1 ELSE abs(-9223372036854775807 - 1) END FROM recordChunks"));
    QVERIFY(!execSql(file, "SELECT abs(-9223372036854775807 - 1)")); // the check can fail
}

void tst_ProjectFile::savesToTheKnownFileInPlace()
{
    Project p = sampleProject(m_dir.path(), 800, 52);
    const QString file = m_dir.filePath(u"inplace.ttproj"_s);
    p.save(file);
    const ino_t inode = inodeOf(file);
    // One decision of each kind: written in place (the same file, not a new one renamed over it).
    const IncidentRecord &r = p.records()[5];
    p.chooseDuplicate(r.uuid, RecordKey{r.sourceIndex, r.sourceRow});
    p.clearDuplicateChoice(p.records().front().uuid);
    p.section("roster")["decisions"] = {{"merge", {4}}};
    p.section("roster").erase("rosterList");
    p.section("flag") = nlohmann::json::object();
    p.setRowEdit(RowEdit{p.sources().front().sha256, u"Incidents"_s, 9001, {u"fixed"_s}});
    p.setRowEdit(RowEdit{p.sources().front().sha256, u"Incidents"_s, 77, {u"new"_s}});
    p.setSchool(SchoolInfo{u"Renamed"_s, p.school().domain, p.school().timeZone});
    p.mutableQuarantine().pop_back();
    p.setCache("roster", p.recordsRevision(), "rebuilt");
    p.save(file);
    QCOMPARE(inodeOf(file), inode);
    Project loaded = Project::load(file);
    expectSameContent(loaded, p);
    QCOMPARE(loaded.cache("roster", p.recordsRevision()), std::optional<QByteArray>("rebuilt"));
    // The loaded project saves in place too; a records change writes the file anew.
    loaded.section("wizard")["step"] = 9;
    loaded.save(file);
    QCOMPARE(inodeOf(file), inode);
    loaded.mutableRecords().pop_back();
    loaded.save(file);
    QVERIFY(inodeOf(file) != inode);
    expectSameContent(Project::load(file), loaded);
}

// The autosave saves a copy on a worker while the live project changes: the live one's next save must write
// what the copy did not.
void tst_ProjectFile::snapshotSavedThenLive()
{
    Project live = sampleProject(m_dir.path(), 600, 53);
    const QString file = m_dir.filePath(u"snap.ttproj"_s);
    live.save(file);
    live.section("roster")["decisions"] = {{"merge", {7}}};
    const Project snapshot = live;
    const IncidentRecord &r = live.records()[3];
    live.chooseDuplicate(r.uuid, RecordKey{r.sourceIndex, r.sourceRow});
    live.section("wizard")["step"] = 6;
    snapshot.save(file);
    expectSameContent(Project::load(file), snapshot);
    live.save(file);
    expectSameContent(Project::load(file), live);
    // An older copy saved after a newer one: the file holds what was saved last, and the next save of the newer
    // one brings it back.
    snapshot.save(file);
    expectSameContent(Project::load(file), snapshot);
    live.save(file);
    expectSameContent(Project::load(file), live);
}

void tst_ProjectFile::fileReplacedByAnotherWriter()
{
    Project mine = sampleProject(m_dir.path(), 500, 54);
    const QString file = m_dir.filePath(u"replaced.ttproj"_s);
    mine.save(file);
    Project theirs = Project::load(file);
    theirs.section("wizard")["step"] = 11; // another program saves first (in place)
    theirs.save(file);
    mine.section("roster")["decisions"] = {{"merge", {9}}};
    mine.save(file); // not the file it knows any more: written whole
    expectSameContent(Project::load(file), mine);
    const Project other = sampleProject(m_dir.path(), 300, 55);
    other.save(file); // replaced by another project altogether
    mine.section("wizard")["step"] = 12;
    mine.save(file);
    expectSameContent(Project::load(file), mine);
}

void tst_ProjectFile::jsonProjectIsConverted()
{
    const Project p = sampleProject(m_dir.path(), 700, 56);
    const QString file = m_dir.filePath(u"old.ttproj"_s);
    p.saveJsonV1(file);
    QCOMPARE(head(file, 1), QByteArray("{"));
    const QByteArray original = head(file, 1 << 30);
    const Project converted = Project::load(file);
    const QString kept = m_dir.filePath(u"old.ttproj.v1.json"_s);
    QCOMPARE(converted.convertedFrom(), kept);
    QCOMPARE(head(kept, 1 << 30), original);
    QCOMPARE(head(file, 16), QByteArray("SQLite format 3\0", 16));
    QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    const Project reloaded = Project::load(file);
    QVERIFY(reloaded.convertedFrom().isEmpty());
    for (const Project *x : {&converted, &reloaded}) {
        QCOMPARE(x->records().size(), p.records().size());
        for (size_t i = 0; i < p.records().size(); ++i)
            QVERIFY(x->records()[i].sameContent(p.records()[i]));
        QCOMPARE(x->counts(), p.counts());
        QCOMPARE(x->duplicateChoices(), p.duplicateChoices());
        QCOMPARE(x->section("roster")->dump(), p.section("roster")->dump());
        QCOMPARE(x->recordsRevision(), p.recordsRevision());
    }
    // Converted again (the JSON file copied back): the first kept original is never overwritten.
    QVERIFY(QFile::remove(file));
    QVERIFY(QFile::copy(kept, file));
    QCOMPARE(Project::load(file).convertedFrom(), m_dir.filePath(u"old.ttproj.v1-2.json"_s));
    QCOMPARE(head(kept, 1 << 30), original);
}

void tst_ProjectFile::jsonInReadOnlyFolderStillOpens()
{
    if (::geteuid() == 0)
        QSKIP("root writes into read-only folders");
    const QString dir = m_dir.filePath(u"ro"_s);
    QVERIFY(QDir().mkpath(dir));
    const Project p = sampleProject(m_dir.path(), 200, 57);
    const QString file = dir + u"/ro.ttproj"_s;
    p.saveJsonV1(file);
    QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const Project loaded = Project::load(file);
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QVERIFY(loaded.convertedFrom().isEmpty());
    QCOMPARE(loaded.records().size(), p.records().size());
    QCOMPARE(head(file, 1), QByteArray("{"));
    // A format 2 file in a read-only folder opens too (read as it stands).
    const QString file2 = dir + u"/ro2.ttproj"_s;
    p.save(file2);
    Project written = Project::load(file2);
    written.section("wizard")["step"] = 2;
    written.save(file2); // in WAL mode from now on
    QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const Project ro = Project::load(file2);
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    expectSameContent(ro, written);
}

void tst_ProjectFile::newerFormatRefused()
{
    const Project p = sampleProject(m_dir.path(), 100, 58);
    const QString file = m_dir.filePath(u"newer.ttproj"_s);
    p.save(file);
    QVERIFY(execSql(file, "PRAGMA user_version = 4"));
    expectRefused(file, u"newer version"_s);
}

void tst_ProjectFile::damagedFilesRefused()
{
    const Project p = sampleProject(m_dir.path(), 3000, 59);
    const QString good = m_dir.filePath(u"good.ttproj"_s);
    p.save(good);
    const QByteArray bytes = head(good, 1 << 30);
    QByteArray garbage = bytes;
    QRandomGenerator rng(7);
    for (qsizetype i = 200; i < garbage.size(); i += 97)
        garbage[i] = char(rng.generate());
    const std::pair<const char *, QByteArray> cases[] = {
        {"truncated", bytes.left(bytes.size() / 2)},
        {"header only", bytes.left(100)},
        {"garbage pages", garbage},
        {"empty", QByteArray()},
    };
    for (const auto &[name, content] : cases) {
        const QString path = m_dir.filePath(QString::fromLatin1(name) + u".ttproj"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
        f.close();
        expectRefused(path, u"damaged"_s);
    }
    QFile f(m_dir.filePath(u"notes.ttproj"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("These are not the notes you are looking for.\n");
    f.close();
    expectRefused(f.fileName(), u"damaged"_s); // as before: what cannot be read at all is damaged
}

// Chunks of records that do not hold what they say: refused as damaged, naming the file and what is wrong. One
// well-formed record (17 bytes: kind, uuid "a", timestamp, student id, 8 ids, note, source, row, flags) replaces
// the first chunk, then is spoilt in one way per case.
void tst_ProjectFile::damagedChunksRefused()
{
    const Project p = sampleProject(m_dir.path(), 12000, 63);
    const QString good = m_dir.filePath(u"chunks.ttproj"_s);
    p.save(good);
    QVERIFY(execSql(good, "SELECT CASE WHEN count(*) >= 2 THEN 1 ELSE abs(-9223372036854775807 - 1) END FROM recordChunks"));
    // The first chunk replaced by `bytes` (an SQL expression), the others dropped.
    auto one = [](const std::string &bytes) {
        return "DELETE FROM recordChunks WHERE first > 0; UPDATE meta SET value = 1 WHERE name = 'recordCount'; "
               "UPDATE recordChunks SET count = 1, data = CAST(" + bytes + " AS BLOB)";
    };
    const std::string record = "X'00' || X'0161' || X'00' || X'00' || X'0000000000000000' || X'00' || X'00' || X'00' || X'00'";
    const std::pair<std::string, const char *> cases[] = {
        {"UPDATE recordChunks SET data = substr(data, 1, length(data) - 1) WHERE first = 0", "ends early"},
        {"UPDATE recordChunks SET count = count - 1 WHERE first = 0", "not numbered in order"},
        {"UPDATE recordChunks SET count = 1000000 WHERE first = 0", "wrong count"},
        {"UPDATE recordChunks SET data = X'' WHERE first = 0", "wrong count"},
        {"DELETE FROM recordChunks WHERE first = 0", "not numbered in order"},
        {"UPDATE recordChunks SET count = 1, data = CAST(" + record + " AS BLOB) WHERE first = 0", "not numbered in order"},
        {"DELETE FROM recordChunks WHERE first > 0", "the file lists"},
        {one(record) + "; UPDATE meta SET value = 2 WHERE name = 'recordCount'", "the file lists"},
        {one(record + " || zeroblob(15)") + "; UPDATE recordChunks SET count = 2; UPDATE meta SET value = 2 WHERE name = 'recordCount'",
         "ends early"},
        {one(record + " || zeroblob(14)") + "; UPDATE recordChunks SET count = 2; UPDATE meta SET value = 2 WHERE name = 'recordCount'",
         "wrong count"},
        {one(record + " || X'00'"), "holds more than its count"},
        {one("X'04' || X'0161' || X'00' || X'00' || X'0000000000000000' || X'00' || X'00' || X'00' || X'00'"), "unknown kind"},
        {one("X'00' || X'0161' || X'FFFFFFFFFFFFFFFFFF7F' || zeroblob(14)"), "too large"},
        {one("X'00' || X'0161' || X'00' || X'00' || X'00FFFFFF7F000000000000' || X'00' || X'00' || X'00' || X'00'"),
         "refers to text the file does not hold"},
        {one("X'00' || X'0161' || X'00' || X'00' || X'0000000000000000' || X'00' || X'05' || X'00' || X'00'"),
         "refers to a source it does not list"},
        {one("X'00' || X'0161' || X'00' || X'00' || X'0000000000000000' || X'00' || X'00' || X'00' || X'808004'"),
         "flags are out of range"},
        {"UPDATE recordChunks SET data = CAST(data AS TEXT) WHERE first = 0", "not binary"},
    };
    int n = 0;
    for (const auto &[sql, why] : cases) {
        const QString path = m_dir.filePath(u"chunk-%1.ttproj"_s.arg(++n));
        QVERIFY(QFile::copy(good, path));
        QVERIFY2(execSql(path, sql.c_str()), sql.c_str());
        expectRefused(path, u"damaged"_s);
        expectRefused(path, QString::fromLatin1(why));
    }
    // The well-formed record alone loads (the cases above fail for what they spoil).
    const QString path = m_dir.filePath(u"chunk-ok.ttproj"_s);
    QVERIFY(QFile::copy(good, path));
    QVERIFY(execSql(path, one(record).c_str()));
    const Project single = Project::load(path);
    QCOMPARE(single.records().size(), size_t(1));
    QCOMPARE(single.records().front().uuid, u"a"_s);
}

// Format 2 (records in rows) keeps opening with the same records: the fuzzing seed the format 2 application wrote
// (fuzz/corpus/project/full-v2.ttproj, converted from full.ttproj), and a larger file rewritten here in format 2's
// schema. A change saved to a format 2 file writes it whole, in format 3.
void tst_ProjectFile::format2FilesOpen()
{
    const QString seedV2 = QFINDTESTDATA("../../fuzz/corpus/project/full-v2.ttproj");
    const QString seedV1 = QFINDTESTDATA("../../fuzz/corpus/project/full.ttproj");
    QVERIFY(!seedV2.isEmpty() && !seedV1.isEmpty());
    const QString v2 = m_dir.filePath(u"seed-v2.ttproj"_s), v1 = m_dir.filePath(u"seed-v1.ttproj"_s);
    QVERIFY(QFile::copy(seedV2, v2) && QFile::copy(seedV1, v1));
    QFile::setPermissions(v2, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QFile::setPermissions(v1, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QCOMPARE(queryInt(v2, "PRAGMA user_version"), qint64(2));
    const Project fromV2 = Project::load(v2), fromV1 = Project::load(v1);
    QVERIFY(!fromV1.records().empty());
    expectSameRecords(fromV2, fromV1);
    QCOMPARE(fromV2.counts(), fromV1.counts());

    Project p = sampleProject(m_dir.path(), 2500, 64);
    p.mutableRecords()[3].uuid = u"NOT-A-CANONICAL-UUID"_s;
    p.mutableRecords()[4].note = u"Bemerkung \u00e4\u00df \U0001F600"_s;
    const QString file = m_dir.filePath(u"format2.ttproj"_s);
    p.save(file);
    QVERIFY(writeFormat2Records(file, p.records()));
    QCOMPARE(queryInt(file, "SELECT count(*) FROM records"), qint64(p.records().size()));
    Project loaded = Project::load(file);
    expectSameContent(loaded, p);
    QCOMPARE(loaded.records()[3].uuid, u"NOT-A-CANONICAL-UUID"_s);
    loaded.section("wizard")["step"] = 5; // an autosave's change: the file is written whole, in format 3
    loaded.save(file);
    QCOMPARE(queryInt(file, "PRAGMA user_version"), qint64(3));
    QCOMPARE(queryInt(file, "SELECT sum(count) FROM recordChunks"), qint64(p.records().size()));
    const Project again = Project::load(file);
    expectSameContent(again, loaded);
    expectSameRecords(again, p);
}

// Another program in the middle of a write (a second window, a command): the save waits a few seconds, then
// says so; the file is intact and the next save succeeds.
void tst_ProjectFile::secondWriterGetsAClearError()
{
    Project p = sampleProject(m_dir.path(), 200, 60);
    const QString file = m_dir.filePath(u"busy.ttproj"_s);
    p.save(file);
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(file).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; DELETE FROM warnings", nullptr, nullptr, nullptr), SQLITE_OK);
    p.section("wizard")["step"] = 3;
    try {
        p.save(file);
        QFAIL("saved while another program was writing");
    } catch (const ProjectError &e) {
        QVERIFY2(e.message().contains(u"another program"_s) && e.message().contains(file), qPrintable(e.message()));
    }
    QCOMPARE(sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    p.save(file);
    expectSameContent(Project::load(file), p);
}

// The crash test's child: saves state n = 1, 2, 3... of the project in FILE until it is killed, printing each n
// once its save returned. State n: section "crash" {"n": n}; a duplicate choice for each of 1..n (made-up uuids);
// every 5th state also changes the records (the first record's note says which: a full write), the others are
// written in place.
int saveLoop(const QString &file)
{
    Project p = Project::load(file);
    for (qint64 n = p.section("crash")["n"].get<qint64>() + 1;; ++n) {
        p.section("crash")["n"] = n;
        p.chooseDuplicate(u"00000000-0000-4000-8000-%1"_s.arg(n, 12, 10, QChar(u'0')), RecordKey{0, n});
        if (n % 5 == 0)
            p.mutableRecords().front().note = u"state %1"_s.arg(n);
        p.save(file);
        std::printf("%lld\n", static_cast<long long>(n));
        std::fflush(stdout);
    }
}

// What a loaded crash-test file must be: exactly one state n, every part of it.
void expectOneState(const Project &p, qint64 base, const QString &originalNote)
{
    const qint64 n = p.section("crash")->value("n", qint64(-1));
    QVERIFY(n >= 0);
    QCOMPARE(qint64(p.duplicateChoices().size()), base + n);
    for (qint64 i = 1; i <= n; ++i)
        QVERIFY(p.duplicateChoices().contains(u"00000000-0000-4000-8000-%1"_s.arg(i, 12, 10, QChar(u'0'))));
    const qint64 noted = n - n % 5;
    QCOMPARE(p.records().front().note, noted == 0 ? originalNote : u"state %1"_s.arg(noted));
}

// A writer killed (SIGKILL) at random moments, in place and during full writes: the file always loads, with
// the last state the writer reported saved or the one after it, never a mixture.
void tst_ProjectFile::killedWriterLeavesOldOrNew()
{
    Project p = sampleProject(m_dir.path(), 1500, 61);
    p.section("crash")["n"] = 0;
    const QString file = m_dir.filePath(u"crash.ttproj"_s);
    p.save(file);
    const qint64 base = qint64(p.duplicateChoices().size());
    QRandomGenerator rng(20251202);
    qint64 reported = 0;
    int killedInAFullWrite = 0, killedUnreported = 0;
    for (int round = 0; round < 24; ++round) {
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), {u"--save-loop"_s, file});
        QVERIFY(child.waitForStarted());
        QThread::msleep(40 + rng.bounded(400));
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());
        const QList<QByteArray> lines = child.readAllStandardOutput().split('\n');
        for (const QByteArray &l : lines)
            if (!l.trimmed().isEmpty())
                reported = qMax(reported, l.trimmed().toLongLong());
        const Project loaded = Project::load(file);
        const qint64 n = loaded.section("crash")->value("n", qint64(-1));
        QVERIFY2(n == reported || n == reported + 1, qPrintable(u"state %1 after %2 was reported saved"_s.arg(n).arg(reported)));
        if (!QDir(m_dir.path()).entryList({u".crash.ttproj.saving-*"_s}, QDir::Files | QDir::Hidden).isEmpty())
            ++killedInAFullWrite; // its temporary file is left: killed while writing the whole file
        if (n > reported)
            ++killedUnreported;
        expectOneState(loaded, base, p.records().front().note);
        reported = n;
    }
    QVERIFY2(reported > 24, "the writer hardly saved at all");
    qInfo("%lld states saved; killed during a full write %d times, after a save before reporting it %d times",
          static_cast<long long>(reported), killedInAFullWrite, killedUnreported);
    // Nothing of a killed full write is left behind once the next save has run.
    Project last = Project::load(file);
    last.mutableRecords().front().note = u"after"_s;
    last.save(file);
    QCOMPARE(QDir(m_dir.path()).entryList({u".crash.ttproj.saving-*"_s}, QDir::Files | QDir::Hidden), QStringList());
}

// Two programs on one file (the GUI and a command): another process saves state after state while this one
// loads the file over and over and now and then saves a change of its own. Every load sees one whole state; the
// file is never damaged; a save waits for the other program, it does not fail.
void tst_ProjectFile::twoProgramsOnOneFile()
{
    Project p = sampleProject(m_dir.path(), 1500, 62);
    p.section("crash")["n"] = 0;
    const QString file = m_dir.filePath(u"shared.ttproj"_s);
    p.save(file);
    const qint64 base = qint64(p.duplicateChoices().size());
    const QString originalNote = p.records().front().note;
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {u"--save-loop"_s, file});
    QVERIFY(child.waitForStarted());
    QVERIFY(child.waitForReadyRead(30000)); // its first save is done
    QElapsedTimer clock;
    clock.start();
    int loads = 0, saves = 0;
    qint64 highest = 0;
    QString error;
    while ((clock.elapsed() < 2500 || loads < 6) && error.isEmpty()) {
        try {
            Project seen = Project::load(file);
            ++loads;
            expectOneState(seen, base, originalNote);
            highest = qMax(highest, std::as_const(seen).section("crash")->value("n", qint64(0)));
            if (loads % 3 == 0) {
                seen.section("parent")["saves"] = ++saves;
                seen.save(file);
            }
        } catch (const ProjectError &e) {
            error = e.message();
        }
    }
    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished());
    QVERIFY2(error.isEmpty(), qPrintable(error + u"\nthe other program: "_s + QString::fromLocal8Bit(child.readAllStandardError())));
    expectOneState(Project::load(file), base, originalNote);
    qInfo("%d loads and %d saves here while the other program saved up to state %lld", loads, saves,
          static_cast<long long>(highest));
    QVERIFY(saves > 0 && highest > 0);
}

int main(int argc, char **argv)
{
    // Child modes: the crash test's writer; --convert FILE converts a format 1 (JSON) project in place (how the
    // fuzzing seeds fuzz/corpus/project/full-v2.ttproj and full-v3.ttproj were made from full.ttproj).
    if (argc == 3 && (qstrcmp(argv[1], "--save-loop") == 0 || qstrcmp(argv[1], "--convert") == 0)) {
        QCoreApplication app(argc, argv);
        if (qstrcmp(argv[1], "--convert") == 0)
            return Project::load(QString::fromLocal8Bit(argv[2])).convertedFrom().isEmpty() ? 1 : 0;
        return saveLoop(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_ProjectFile t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_projectfile.moc"
