// The importer against the fixture generator's ground truth, on real CSV and XLSX files.
#include "common/errors.h"
#include "fixturegenerator.h"
#include "project/project.h"
#include "import/importer.h"
#include "records/recordvalidator.h"
#include "sheets/csvreader.h"
#include "xlsxwriter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>
#include <limits>
#include <atomic>
#include <nlohmann/json.hpp>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;

namespace {

QString contentKey(const IncidentRecord &r)
{
    return QStringList{QString::number(r.timestampMs), recordTypeKey(r.type), r.studentId, r.studentName, r.level,
                       r.category, r.location, r.actionTaken, r.note, r.teacherEmail, r.classCode, r.device}
        .join(QChar(0x1f));
}

// Every accepted record equals the truth, field by field; uuid-less truth rows are matched by content.
void compareRecords(const Project &project, int sourceIndex, const ExportResult &truth)
{
    const DedupeResult &d = project.dedupe();
    QHash<QString, const IncidentRecord *> byUuid, byContent;
    qint64 accepted = 0;
    for (size_t i = 0; i < project.records().size(); ++i) {
        const IncidentRecord &r = project.records()[i];
        if (r.sourceIndex != sourceIndex || d.status[i] != RecordStatus::Accepted)
            continue;
        ++accepted;
        if (r.flags & IncidentRecord::UuidGenerated)
            byContent.insert(contentKey(r), &r);
        else
            byUuid.insert(r.uuid, &r);
    }
    QCOMPARE(accepted, qint64(truth.records.size()));
    for (const IncidentRecord &t : truth.records) {
        const IncidentRecord *r = t.uuid.isEmpty() ? byContent.value(contentKey(t)) : byUuid.value(t.uuid);
        QVERIFY2(r, qPrintable(u"missing record for row %1 (%2)"_qs.arg(t.sourceRow).arg(t.uuid)));
        QCOMPARE(r->timestampMs, t.timestampMs);
        QCOMPARE(r->type, t.type);
        QCOMPARE(r->studentId, t.studentId);
        QCOMPARE(r->studentName, t.studentName);
        QCOMPARE(r->level, t.level);
        QCOMPARE(r->category, t.category);
        QCOMPARE(r->location, t.location);
        QCOMPARE(r->actionTaken, t.actionTaken);
        QCOMPARE(r->note, t.note);
        QCOMPARE(r->teacherEmail, t.teacherEmail);
        QCOMPARE(r->classCode, t.classCode);
        QCOMPARE(r->device, t.device);
        QCOMPARE(r->sourceRow, t.sourceRow);
        if (t.uuid.isEmpty())
            QCOMPARE(r->uuid, RecordValidator::generatedUuid(*r));
    }
}

void compareCounts(const RowCounts &c, const ExpectedCounts &e)
{
    QCOMPARE(c.read, e.read);
    QCOMPARE(c.accepted, e.accepted);
    QCOMPARE(c.duplicatesIdentical, e.duplicatesIdentical);
    QCOMPARE(c.duplicatesConflicting, e.duplicatesConflicting);
    QCOMPARE(c.quarantined, e.quarantined);
    QCOMPARE(c.blank, e.blank);
    QCOMPARE(c.headerRows, e.headerRows);
    QVERIFY(c.balanced());
}

// Two projects hold the same import: sources, records, quarantine, warnings, field by field and in order.
void compareProjects(const Project &a, const Project &b)
{
    QCOMPARE(a.sources().size(), b.sources().size());
    for (size_t i = 0; i < a.sources().size(); ++i) {
        const SourceInfo &x = a.sources()[i], &y = b.sources()[i];
        QCOMPARE(x.path, y.path);
        QCOMPARE(x.sheet, y.sheet);
        QCOMPARE(x.sha256, y.sha256);
        QCOMPARE(x.encoding, y.encoding);
        QCOMPARE(x.delimiter, y.delimiter);
        QCOMPARE(x.notes, y.notes);
        QCOMPARE(x.mapping.hasHeader(), y.mapping.hasHeader());
        QCOMPARE(x.dateOrderUsed, y.dateOrderUsed);
        const RowCounts cx = a.counts(int(i)), cy = b.counts(int(i));
        QCOMPARE(cx.read, cy.read);
        QCOMPARE(cx.accepted, cy.accepted);
        QCOMPARE(cx.quarantined, cy.quarantined);
        QCOMPARE(cx.blank, cy.blank);
        QCOMPARE(cx.headerRows, cy.headerRows);
        QCOMPARE(cx.duplicatesConflicting, cy.duplicatesConflicting);
    }
    QCOMPARE(a.records().size(), b.records().size());
    for (size_t i = 0; i < a.records().size(); ++i) {
        const IncidentRecord &x = a.records()[i], &y = b.records()[i];
        QVERIFY2(x.sameContent(y), qPrintable(u"record %1 differs"_qs.arg(i)));
        QCOMPARE(x.sourceIndex, y.sourceIndex);
        QCOMPARE(x.sourceRow, y.sourceRow);
        QCOMPARE(x.flags, y.flags);
    }
    QCOMPARE(a.quarantine().size(), b.quarantine().size());
    for (size_t i = 0; i < a.quarantine().size(); ++i) {
        const QuarantinedRow &x = a.quarantine()[i], &y = b.quarantine()[i];
        QCOMPARE(x.sourceIndex, y.sourceIndex);
        QCOMPARE(x.row, y.row);
        QCOMPARE(x.field, y.field);
        QCOMPARE(x.reason, y.reason);
        QCOMPARE(x.cells, y.cells);
    }
    QCOMPARE(a.warnings().size(), b.warnings().size());
    for (size_t i = 0; i < a.warnings().size(); ++i) {
        QCOMPARE(a.warnings()[i].sourceIndex, b.warnings()[i].sourceIndex);
        QCOMPARE(a.warnings()[i].row, b.warnings()[i].row);
        QCOMPARE(a.warnings()[i].field, b.warnings()[i].field);
        QCOMPARE(a.warnings()[i].message, b.warnings()[i].message);
    }
}

Project newProject(const School &school)
{
    return Project::create(SchoolInfo{school.spec.name, school.spec.domain, school.spec.timeZone});
}

// A generated school with `logs` logs.
School schoolOf(quint64 seed, int logs)
{
    SchoolSpec spec;
    spec.seed = seed;
    spec.logs = logs;
    return generateSchool(spec);
}

// Importer::setCsvSplitForTests for one scope: files from minBytes on are read in two parts, cut at cutAt.
struct CsvSplit
{
    CsvSplit(qint64 minBytes, qint64 cutAt = -1) { Importer::setCsvSplitForTests(minBytes, cutAt); }
    ~CsvSplit() { Importer::setCsvSplitForTests(qint64(8) << 20); }
};
constexpr qint64 NeverSplit = std::numeric_limits<qint64>::max();

// Imports one CSV file into a new project; the error's message when it fails.
QString importInto(Project &project, const QString &path, RecordType type, ImportOutcome *outcome = nullptr)
{
    try {
        Importer importer(project);
        const ImportOutcome out = importer.importCsv(path, type);
        if (outcome)
            *outcome = out;
    } catch (const SourceError &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

// Cuts worth trying in a CSV file: a third and a half of it, and a few bytes either side of a line end inside a
// quoted value and of a "" escape after the middle (where a wrong cut would show).
QList<qint64> trickyCuts(const QByteArray &data)
{
    QList<qint64> cuts{data.size() / 3, data.size() / 2};
    static const QRegularExpression quotedNewline(QStringLiteral("\"[^\"\r\n,]*[\r\n]"));
    const QString text = QString::fromLatin1(data);
    const qsizetype middle = text.size() / 2;
    for (const qsizetype at : {text.indexOf(quotedNewline, middle), text.indexOf(u"\"\""_qs, middle)}) {
        if (at < 0)
            continue;
        const QRegularExpressionMatch m = quotedNewline.match(text, at);
        const qint64 centre = m.hasMatch() && m.capturedStart() == at ? m.capturedEnd() - 1 : at + 1;
        for (qint64 d = -3; d <= 3; ++d)
            cuts << centre + d;
    }
    return cuts;
}

} // namespace

class tst_Importer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void csvGroundTruth_data();
    void csvGroundTruth();
    void workbookGroundTruth_data();
    void workbookGroundTruth();
    void sourceHashIsTheProjectHash();
    void csvFilesTogetherEqualOneByOne();
    void csvFilesTogetherFailAsOneByOne();
    void csvSplitReadsAsWhole_data();
    void csvSplitReadsAsWhole();
    void csvSplitDecidesDateOrderAsWhole_data();
    void csvSplitDecidesDateOrderAsWhole();
    void csvSplitFailsAsWhole();
    void csvFilesSplitEqualOneByOne();
    void csvSplitCancels();
    void workbookSheetsTogetherFailAsOneByOne();
    void sameFileTwiceAddsNothing();
    void changedFileReplacesItsRows();
    void fixQuarantinedRowSurvivesReimport();
    void duplicateChoiceSurvivesSaveAndLoad();
    void projectFileIsPrivateAndRoundTrips();
    void recordsRevisionAndCache();
    void badFiles_data();
    void badFiles();
    void damagedProjectNumbers_data();
    void damagedProjectNumbers();

private:
    QTemporaryDir m_dir;
};

void tst_Importer::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_Importer::csvGroundTruth_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("header");
    QTest::addColumn<bool>("titleCase");
    QTest::addColumn<QString>("delimiter");
    QTest::addColumn<QString>("encoding");
    QTest::addColumn<bool>("allQuirks");
    QTest::newRow("all-quirks-header") << quint64(11) << true << false << u","_qs << u"UTF-8"_qs << true;
    QTest::newRow("all-quirks-no-header") << quint64(12) << false << false << u","_qs << u"UTF-8"_qs << true;
    QTest::newRow("title-case-bom") << quint64(13) << true << true << u","_qs << u"UTF-8 BOM"_qs << true;
    QTest::newRow("semicolon") << quint64(14) << true << false << u";"_qs << u"UTF-8"_qs << true;
    QTest::newRow("tab-utf16") << quint64(15) << true << false << u"\t"_qs << u"UTF-16LE BOM"_qs << true;
    QTest::newRow("clean") << quint64(16) << true << false << u","_qs << u"UTF-8"_qs << false;
}

void tst_Importer::csvGroundTruth()
{
    QFETCH(quint64, seed);
    QFETCH(bool, header);
    QFETCH(bool, titleCase);
    QFETCH(QString, delimiter);
    QFETCH(QString, encoding);
    QFETCH(bool, allQuirks);
    SchoolSpec spec;
    spec.seed = seed;
    spec.logs = 2500;
    const School school = generateSchool(spec);
    QuirkOptions q = allQuirks ? QuirkOptions{} : QuirkOptions::none();
    q.header = header;
    q.titleCaseHeader = titleCase;
    const QString dir = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY(QDir().mkpath(dir));
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, dir + u"/Incidents.csv"_qs, q,
                                         char(delimiter.at(0).unicode()), encoding);
    const ExportResult com = writeCsvTab(school, RecordType::Commendation, dir + u"/Commendations.csv"_qs, q,
                                         char(delimiter.at(0).unicode()), encoding);
    Project project = newProject(school);
    Importer importer(project);
    const ImportOutcome a = importer.importCsv(inc.path, RecordType::Incident);
    const ImportOutcome b = importer.importCsv(com.path, RecordType::Commendation);
    QCOMPARE(a.sourceIndex, 0);
    QCOMPARE(b.sourceIndex, 1);
    compareCounts(project.counts(0), inc.counts);
    compareCounts(project.counts(1), com.counts);
    compareRecords(project, 0, inc);
    compareRecords(project, 1, com);
    const RowCounts total = project.counts();
    QVERIFY(total.balanced());
    QCOMPARE(total.read, inc.counts.read + com.counts.read);
    QCOMPARE(project.acceptedOfType(RecordType::Incident), inc.counts.accepted);
    QCOMPARE(project.acceptedOfType(RecordType::Commendation), com.counts.accepted);
    // Every quarantined row is the one the generator spoiled, for the field it spoiled.
    QCOMPARE(qint64(project.quarantine().size()), inc.counts.quarantined + com.counts.quarantined);
    for (const QuarantinedRow &qr : project.quarantine()) {
        const ExportResult &truth = qr.sourceIndex == 0 ? inc : com;
        QVERIFY2(truth.quarantinedRows.contains(qr.row), qPrintable(qr.reason));
        QCOMPARE(qr.field, truth.quarantinedRows.value(qr.row));
        QVERIFY2(qr.reason.contains(u" row %1: "_qs.arg(qr.row)), qPrintable(qr.reason));
    }
    QCOMPARE(project.sources()[0].mapping.hasHeader(), header);
}

void tst_Importer::workbookGroundTruth_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("header");
    QTest::newRow("all-quirks") << quint64(21) << true;
    QTest::newRow("no-header") << quint64(22) << false;
}

void tst_Importer::workbookGroundTruth()
{
    QFETCH(quint64, seed);
    QFETCH(bool, header);
    SchoolSpec spec;
    spec.seed = seed;
    spec.logs = 2500;
    const School school = generateSchool(spec);
    QuirkOptions q;
    q.header = header;
    const QString path = m_dir.filePath(u"workbook-%1.xlsx"_qs.arg(seed));
    const auto [inc, com] = writeWorkbook(school, path, q);
    Project project = newProject(school);
    Importer importer(project);
    const auto outcomes = importer.importWorkbook(path);
    QCOMPARE(outcomes.size(), size_t(2));
    QCOMPARE(project.sources()[0].sheet, u"Incidents"_qs);
    QCOMPARE(project.sources()[1].sheet, u"Commendations"_qs);
    compareCounts(project.counts(0), inc.counts);
    compareCounts(project.counts(1), com.counts);
    compareRecords(project, 0, inc);
    compareRecords(project, 1, com);
}

void tst_Importer::sourceHashIsTheProjectHash()
{
    // The importer's OpenSSL hash must give what sha256OfFile() gives (projects compare them): empty, small, and
    // larger than its 1 MiB block, not a multiple of it.
    const QString empty = m_dir.filePath(u"hash-empty.csv"_qs);
    const QString large = m_dir.filePath(u"hash-large.csv"_qs);
    QFile e(empty);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.close();
    QFile l(large);
    QVERIFY(l.open(QIODevice::WriteOnly));
    QByteArray block;
    for (int i = 0; i < 50000; ++i)
        block += QByteArray::number(i * 7919) + ",x,\"y\"\n";
    for (int i = 0; i < 8; ++i)
        l.write(block);
    l.close();
    QVERIFY(QFileInfo(large).size() > (qint64(1) << 20) * 2);
    // Against Qt's own SHA-256 of the same bytes.
    auto qtSha256 = [](const QString &path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex())
                                           : QString();
    };
    QCOMPARE(sha256OfFile(empty), u"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_qs);
    QCOMPARE(sha256OfFile(empty), qtSha256(empty));
    QCOMPARE(sha256OfFile(large), qtSha256(large));
    QVERIFY_THROWS_EXCEPTION(SourceError, sha256OfFile(m_dir.filePath(u"no-such-file.csv"_qs)));
}

void tst_Importer::csvFilesTogetherEqualOneByOne()
{
    // importCsvFiles() reads the later files on a second thread before their slot exists; the project must come
    // out exactly as importCsv() of each in turn gives it: here with a copy of the first file under another name
    // in the middle (its rows are undone, so the slots after it move) and the same files again (nothing added).
    SchoolSpec spec;
    spec.seed = 41;
    spec.logs = 3000;
    const School school = generateSchool(spec);
    const QString dir = m_dir.filePath(u"together"_qs);
    QVERIFY(QDir().mkpath(dir));
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, dir + u"/Incidents.csv"_qs, QuirkOptions{});
    const ExportResult com = writeCsvTab(school, RecordType::Commendation, dir + u"/Commendations.csv"_qs,
                                         QuirkOptions{}, ';', u"UTF-16LE BOM"_qs);
    QVERIFY(QFile::copy(inc.path, dir + u"/Incidents copy.csv"_qs));
    const std::vector<Importer::CsvFile> files{{inc.path, RecordType::Incident},
                                               {dir + u"/Incidents copy.csv"_qs, RecordType::Incident},
                                               {com.path, RecordType::Commendation}};
    Project one = newProject(school), together = newProject(school);
    Importer a(one), b(together);
    std::vector<ImportOutcome> expected;
    for (const auto &f : files)
        expected.push_back(a.importCsv(f.path, f.type));
    const std::vector<ImportOutcome> got = b.importCsvFiles(files);
    QCOMPARE(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].sourceIndex, expected[i].sourceIndex);
        QCOMPARE(got[i].alreadyImported, expected[i].alreadyImported);
        QCOMPARE(got[i].notes, expected[i].notes);
    }
    QVERIFY(got[1].alreadyImported);
    QCOMPARE(got[2].sourceIndex, 1);
    compareProjects(one, together);
    compareCounts(together.counts(0), inc.counts);
    compareCounts(together.counts(1), com.counts);
    compareRecords(together, 1, com);

    // Again: nothing new, both ways.
    const std::vector<ImportOutcome> again = b.importCsvFiles({files[0], files[2]});
    QVERIFY(again[0].alreadyImported);
    QVERIFY(again[1].alreadyImported);
    a.importCsv(files[0].path, files[0].type);
    a.importCsv(files[2].path, files[2].type);
    compareProjects(one, together);
}

void tst_Importer::csvFilesTogetherFailAsOneByOne()
{
    SchoolSpec spec;
    spec.seed = 42;
    spec.logs = 800;
    const School school = generateSchool(spec);
    const QString dir = m_dir.filePath(u"together-bad"_qs);
    QVERIFY(QDir().mkpath(dir));
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, dir + u"/Incidents.csv"_qs, QuirkOptions{});
    const QString broken = dir + u"/Commendations.csv"_qs;
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("timestamp,student_id,student_name\n2024-03-01T09:00:00Z,12,\"never closed\n");
    f.close();

    // The second file is damaged: the first is imported, then the error names the second file and its row.
    Project project = newProject(school);
    Importer importer(project);
    try {
        importer.importCsvFiles({{inc.path, RecordType::Incident}, {broken, RecordType::Commendation}});
        QFAIL("a damaged file was accepted");
    } catch (const SourceError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(u"Commendations.csv, row 2"_qs), e.what());
    }
    QCOMPARE(project.sources().size(), size_t(1));
    compareCounts(project.counts(0), inc.counts);

    // The first file fails: nothing of either is kept, and the background read stops.
    Project second = newProject(school);
    Importer importer2(second);
    QVERIFY_THROWS_EXCEPTION(SourceError, importer2.importCsvFiles({{broken, RecordType::Commendation},
                                                                    {inc.path, RecordType::Incident}}));
    QVERIFY(second.sources().empty());
    QVERIFY(second.records().empty());

    // Cancelled while both files are being read (the background thread polls the same flag): Cancelled, nothing
    // kept, no thread left behind.
    {
        SchoolSpec big;
        big.seed = 43;
        big.logs = 12000;
        const School bigSchool = generateSchool(big);
        const ExportResult bigInc = writeCsvTab(bigSchool, RecordType::Incident, dir + u"/Big Incidents.csv"_qs, QuirkOptions{});
        const ExportResult bigCom = writeCsvTab(bigSchool, RecordType::Commendation, dir + u"/Big Commendations.csv"_qs,
                                                QuirkOptions{});
        struct CancelOnceReading : Progress
        {
            std::atomic_bool reading{false};
            void begin(const QString &, qint64) override { reading.store(true); }
            bool cancelRequested() const override { return reading.load(); }
        } cancelMidway;
        Project midway = newProject(bigSchool);
        Importer importerMidway(midway);
        QVERIFY_THROWS_EXCEPTION(Cancelled, importerMidway.importCsvFiles({{bigInc.path, RecordType::Incident},
                                                                           {bigCom.path, RecordType::Commendation}},
                                                                          &cancelMidway));
        QVERIFY(midway.sources().empty());
        QVERIFY(midway.records().empty());
    }

    // Cancelled before it starts: Cancelled, and nothing changed.
    Project third = newProject(school);
    Importer importer3(third);
    CancelFlag cancel;
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, importer3.importCsvFiles({{inc.path, RecordType::Incident},
                                                                  {broken, RecordType::Commendation}}, &cancel));
    QVERIFY(third.records().empty());
}

void tst_Importer::workbookSheetsTogetherFailAsOneByOne()
{
    // The Commendations sheet is read on a second thread while Incidents is imported; its error still comes
    // after Incidents is in, naming the sheet and row, as when the sheets were read one by one.
    auto row = [](int i) {
        return std::vector<XCell>{XCell::str(u"2024-03-0%1T09:00:00Z"_qs.arg(i)), XCell::num(12 + i),
                                  XCell::str(u"Mia Tan"_qs), XCell::str(u"Minor"_qs), XCell::str(u"Other"_qs),
                                  XCell::str(u"Oval"_qs), XCell::empty(), XCell::str(u"note"_qs),
                                  XCell::str(u"a.b@school.example"_qs), XCell::str(u"1A"_qs), XCell::empty(),
                                  XCell::str(u"6f1c4a52-2b7e-4d8a-9c33-7a51e0d2b9a%1"_qs.arg(i))};
    };
    std::vector<XCell> header;
    for (const char *h : {"timestamp", "studentId", "studentName", "level", "category", "location", "actionTaken",
                          "note", "teacherEmail", "classCode", "device", "uuid"})
        header.push_back(XCell::str(QString::fromLatin1(h)));
    XSheet inc{u"Incidents"_qs, {header, row(1), row(2), row(3)}, {}, false};
    XSheet com{u"Commendations"_qs, {header, row(4), row(5)}, {1, 4, 3}, false}; // rows out of order
    const QString path = m_dir.filePath(u"together-bad.xlsx"_qs);
    QString error;
    QVERIFY2(writeXlsx(path, {inc, com}, {}, &error), qPrintable(error));
    Project project = Project::create(SchoolInfo{u"Wattle Grove"_qs, u"school.example"_qs, u"Australia/Melbourne"_qs});
    Importer importer(project);
    try {
        importer.importWorkbook(path);
        QFAIL("a damaged sheet was accepted");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(u"sheet \"Commendations\", row 3"_qs), e.what());
    }
    QCOMPARE(project.sources().size(), size_t(1));
    QCOMPARE(project.sources()[0].sheet, u"Incidents"_qs);
    QCOMPARE(project.counts(0).accepted, qint64(3));

    // Both sheets fine: both in, in order, the second one's rows in its own slot.
    XSheet good{u"Commendations"_qs, {header, row(4), row(5)}, {}, false};
    const QString goodPath = m_dir.filePath(u"together-good.xlsx"_qs);
    QVERIFY2(writeXlsx(goodPath, {inc, good}, {}, &error), qPrintable(error));
    Project both = Project::create(SchoolInfo{u"Wattle Grove"_qs, u"school.example"_qs, u"Australia/Melbourne"_qs});
    Importer importer2(both);
    const auto outcomes = importer2.importWorkbook(goodPath);
    QCOMPARE(outcomes.size(), size_t(2));
    QCOMPARE(both.counts(0).accepted, qint64(3));
    QCOMPARE(both.counts(1).accepted, qint64(2));
    for (const IncidentRecord &r : both.records())
        QCOMPARE(r.sourceIndex, r.studentId.toInt() >= 16 ? 1 : 0);

    // Cancelled: nothing kept.
    Project third = Project::create(SchoolInfo{u"Wattle Grove"_qs, u"school.example"_qs, u"Australia/Melbourne"_qs});
    Importer importer3(third);
    CancelFlag cancel;
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, importer3.importWorkbook(goodPath, &cancel));
    QVERIFY(third.records().empty());
}

void tst_Importer::sameFileTwiceAddsNothing()
{
    SchoolSpec spec;
    spec.seed = 31;
    spec.logs = 800;
    const School school = generateSchool(spec);
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, m_dir.filePath(u"twice.csv"_qs), QuirkOptions{});
    Project project = newProject(school);
    Importer importer(project);
    importer.importCsv(inc.path, RecordType::Incident);
    const RowCounts before = project.counts();
    const size_t records = project.records().size();
    const ImportOutcome again = importer.importCsv(inc.path, RecordType::Incident);
    QVERIFY(again.alreadyImported);
    QCOMPARE(project.counts(), before);
    QCOMPARE(project.records().size(), records);
    QCOMPARE(project.sources().size(), size_t(1));
    // A copy under another name is the same content: nothing added either.
    const QString copy = m_dir.filePath(u"twice-copy.csv"_qs);
    QVERIFY(QFile::copy(inc.path, copy));
    const ImportOutcome third = importer.importCsv(copy, RecordType::Incident);
    QVERIFY(third.alreadyImported);
    QCOMPARE(project.counts(), before);
    QCOMPARE(project.sources().size(), size_t(1));
}

void tst_Importer::changedFileReplacesItsRows()
{
    SchoolSpec spec;
    spec.seed = 32;
    spec.logs = 600;
    const School school = generateSchool(spec);
    const QString path = m_dir.filePath(u"changing.csv"_qs);
    writeCsvTab(school, RecordType::Incident, path, QuirkOptions::none());
    Project project = newProject(school);
    Importer importer(project);
    importer.importCsv(path, RecordType::Incident);
    const qint64 firstRead = project.counts().read;
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    f.write("2025-11-03T01:23:45.000Z,9999,Extra Pupil,Minor,Other,Yard,,,extra.teacher@x.example,,,"
            "d1f0c2a4-5b6e-4f70-8a91-b2c3d4e5f607\n");
    f.close();
    const ImportOutcome o = importer.importCsv(path, RecordType::Incident);
    QVERIFY(o.replaced);
    QVERIFY(!o.alreadyImported);
    QCOMPARE(project.sources().size(), size_t(1));
    QCOMPARE(project.counts().read, firstRead + 1);
    QVERIFY(project.counts().balanced());
}

void tst_Importer::fixQuarantinedRowSurvivesReimport()
{
    SchoolSpec spec;
    spec.seed = 33;
    spec.logs = 600;
    const School school = generateSchool(spec);
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, m_dir.filePath(u"fixme.csv"_qs), QuirkOptions{});
    Project project = newProject(school);
    Importer importer(project);
    importer.importCsv(inc.path, RecordType::Incident);
    QVERIFY(!project.quarantine().empty());
    const RowCounts before = project.counts();
    // Find a row quarantined for its timestamp and give it a good one.
    size_t index = 0;
    while (index < project.quarantine().size() && project.quarantine()[index].field != u"timestamp")
        ++index;
    QVERIFY(index < project.quarantine().size());
    QStringList cells = project.quarantine()[index].cells;
    const ColumnMapping &m = project.sources()[0].mapping;
    cells[m.column(Field::Timestamp)] = u"2025-08-14T03:04:05.000Z"_qs;
    const qint64 row = project.quarantine()[index].row;
    QVERIFY(importer.fixQuarantinedRow(index, cells));
    RowCounts after = project.counts();
    QCOMPARE(after.quarantined, before.quarantined - 1);
    QCOMPARE(after.read, before.read);
    QVERIFY(after.balanced());
    // Re-reading the file applies the fix again.
    importer.reimport(0);
    after = project.counts();
    QCOMPARE(after.quarantined, before.quarantined - 1);
    QVERIFY(after.balanced());
    bool found = false;
    for (const IncidentRecord &r : project.records())
        found = found || (r.sourceRow == row && r.timestampMs == 1755140645000LL);
    QVERIFY(found);
    // A fix that is still wrong stays quarantined with a new reason.
    cells[m.column(Field::Timestamp)] = u"sometime"_qs;
    size_t other = 0;
    while (other < project.quarantine().size() && project.quarantine()[other].field != u"timestamp")
        ++other;
    if (other < project.quarantine().size()) {
        QVERIFY(!importer.fixQuarantinedRow(other, cells));
        QVERIFY(project.quarantine()[other].reason.contains(u"'sometime' is not a date"_qs));
    }
}

void tst_Importer::duplicateChoiceSurvivesSaveAndLoad()
{
    SchoolSpec spec;
    spec.seed = 34;
    spec.logs = 800;
    const School school = generateSchool(spec);
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, m_dir.filePath(u"dups.csv"_qs), QuirkOptions{});
    Project project = newProject(school);
    Importer importer(project);
    importer.importCsv(inc.path, RecordType::Incident);
    const DedupeResult &d = project.dedupe();
    auto it = std::find_if(d.groups.begin(), d.groups.end(), [](const DuplicateGroup &g) { return g.conflicting; });
    QVERIFY(it != d.groups.end());
    const quint32 other = it->members.front() == it->chosen ? it->members.back() : it->members.front();
    const IncidentRecord picked = project.records()[other];
    project.chooseDuplicate(it->uuid, RecordKey{picked.sourceIndex, picked.sourceRow});
    const QString file = m_dir.filePath(u"dups.ttproj"_qs);
    project.save(file);
    const Project loaded = Project::load(file);
    const auto accepted = loaded.acceptedRecords();
    auto rec = std::find_if(accepted.begin(), accepted.end(), [&](const IncidentRecord &r) { return r.uuid == picked.uuid; });
    QVERIFY(rec != accepted.end());
    QCOMPARE(rec->sourceRow, picked.sourceRow);
    QCOMPARE(loaded.counts(), project.counts());
}

void tst_Importer::recordsRevisionAndCache()
{
    SchoolSpec spec;
    spec.seed = 36;
    spec.logs = 300;
    const School school = generateSchool(spec);
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, m_dir.filePath(u"rev.csv"_qs), QuirkOptions{});
    Project project = newProject(school);
    const QByteArray empty = project.recordsRevision();
    Importer(project).importCsv(inc.path, RecordType::Incident);
    const QByteArray imported = project.recordsRevision();
    QVERIFY(imported != empty);
    QCOMPARE(project.recordsRevision(), imported); // reading it does not change it
    project.section("wizard")["step"] = 3;         // a section is not the records
    QCOMPARE(project.recordsRevision(), imported);

    project.setCache("roster", imported, "built");
    QCOMPARE(project.cache("roster", imported), std::optional<QByteArray>("built"));
    QCOMPARE(project.cache("roster", empty), std::nullopt); // another key: a miss
    QCOMPARE(project.cache("other", imported), std::nullopt);

    const QString file = m_dir.filePath(u"rev.ttproj"_qs);
    project.save(file);
    const Project loaded = Project::load(file);
    QCOMPARE(loaded.recordsRevision(), imported); // kept in the file
    Project changed = loaded;
    changed.chooseDuplicate(u"00000000-0000-4000-8000-000000000000"_qs, RecordKey{0, 2});
    QVERIFY(changed.recordsRevision() != imported);
    QCOMPARE(loaded.recordsRevision(), imported); // a copy changes on its own
}

void tst_Importer::projectFileIsPrivateAndRoundTrips()
{
    SchoolSpec spec;
    spec.seed = 35;
    spec.logs = 1500;
    const School school = generateSchool(spec);
    const QString path = m_dir.filePath(u"rt.xlsx"_qs);
    writeWorkbook(school, path, QuirkOptions{});
    Project project = newProject(school);
    Importer(project).importWorkbook(path);
    project.section("roster")["note"] = "kept verbatim";
    const QString file = m_dir.filePath(u"rt.ttproj"_qs);
    project.save(file);
    QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                         | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    const Project loaded = Project::load(file);
    QCOMPARE(loaded.school(), project.school());
    QCOMPARE(loaded.records().size(), project.records().size());
    for (size_t i = 0; i < project.records().size(); ++i) {
        QVERIFY(loaded.records()[i].sameContent(project.records()[i]));
        QCOMPARE(loaded.records()[i].flags, project.records()[i].flags);
        QCOMPARE(loaded.records()[i].sourceRow, project.records()[i].sourceRow);
    }
    QCOMPARE(loaded.quarantine().size(), project.quarantine().size());
    QCOMPARE(loaded.counts(), project.counts());
    QCOMPARE(loaded.sources()[1].mapping, project.sources()[1].mapping);
    QCOMPARE(loaded.section("roster")->value("note", std::string()), std::string("kept verbatim"));
    // Saving again (a full write to another file) and loading gives equal content, in the same order.
    const QString again = m_dir.filePath(u"rt2.ttproj"_qs);
    loaded.save(again);
    const Project reloaded = Project::load(again);
    QCOMPARE(reloaded.records().size(), project.records().size());
    for (size_t i = 0; i < project.records().size(); ++i)
        QVERIFY(reloaded.records()[i].sameContent(project.records()[i]));
    QCOMPARE(reloaded.counts(), project.counts());
    QCOMPARE(reloaded.section("roster")->dump(), project.section("roster").dump());
    QFile a(file);
    QVERIFY(a.open(QIODevice::ReadOnly));
    // A damaged file is refused with a clear message.
    QFile damaged(m_dir.filePath(u"damaged.ttproj"_qs));
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    a.seek(0);
    damaged.write(a.read(a.size() / 2));
    damaged.close();
    try {
        Project::load(damaged.fileName());
        QFAIL("a damaged project file was accepted");
    } catch (const ProjectError &e) {
        QVERIFY2(e.message().contains(u"damaged"_qs), qPrintable(e.message()));
    }
}

void tst_Importer::badFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("messageContains");
    QTest::newRow("csv-binary-garbage") << u"csv"_qs << QByteArray("\x00\x01\x02PK\x03\x04\xff\xfe\x00garbage", 16)
                                        << u"does not look like a text"_qs;
    QTest::newRow("csv-wrong-columns") << u"csv"_qs << QByteArray("Product,Price,Qty\nApples,3.20,4\nPears,2.10,7\n")
                                       << u"does not look like a TrackTally sheet"_qs;
    QTest::newRow("csv-unterminated-quote") << u"csv"_qs
                                            << QByteArray("2025-11-03T01:23:45Z,1,\"Mia Tan,Minor\n2025-11-03T01:23:45Z,2\n")
                                            << u"never closed"_qs;
    QTest::newRow("xlsx-not-a-zip") << u"xlsx"_qs << QByteArray("this is not a workbook") << u"is not an Excel workbook"_qs;
    QTest::newRow("xlsx-empty") << u"xlsx"_qs << QByteArray() << u"is not an Excel workbook"_qs;
}

void tst_Importer::badFiles()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, content);
    QFETCH(QString, messageContains);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()) + u"."_qs + kind);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    Project project = Project::create(SchoolInfo{u"S"_qs, u"s.example"_qs, u"Australia/Melbourne"_qs});
    Importer importer(project);
    try {
        if (kind == u"csv")
            importer.importCsv(path, RecordType::Incident);
        else
            importer.importWorkbook(path);
        QFAIL("a bad file was accepted");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(messageContains), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QFileInfo(path).fileName()), qPrintable(e.message()));
    }
    QCOMPARE(project.sources().size(), size_t(0));
    QCOMPARE(project.records().size(), size_t(0));
    QCOMPARE(project.quarantine().size(), size_t(0));
}

// Found by fuzz/fuzz_project: numbers in a project file were cast blindly (1e300 into a 64-bit integer is
// undefined behaviour; 70000 wrapped into the 16-bit flags; a mapped column of 2^31-1 overflowed later).
// Each is now a damaged file, named; the valid file beside them still loads.
void tst_Importer::damagedProjectNumbers_data()
{
    QTest::addColumn<QString>("pointer"); // a JSON pointer into the file; empty: leave it valid
    QTest::addColumn<QByteArray>("value");

    QTest::newRow("valid file loads") << QString() << QByteArray();
    QTest::newRow("fuzz: record timestamp 1e300") << u"/records/0/1"_qs << QByteArray("1e300");
    QTest::newRow("fuzz: record timestamp a fraction") << u"/records/0/1"_qs << QByteArray("1.5");
    QTest::newRow("fuzz: record flags beyond 16 bits") << u"/records/0/15"_qs << QByteArray("70000");
    QTest::newRow("fuzz: record source 1e10") << u"/records/0/13"_qs << QByteArray("1e10");
    QTest::newRow("fuzz: record row -1e300") << u"/records/1/14"_qs << QByteArray("-1e300");
    QTest::newRow("fuzz: version 1e300") << u"/version"_qs << QByteArray("1e300");
    QTest::newRow("fuzz: quarantine row 1e300") << u"/quarantine/0/row"_qs << QByteArray("1e300");
    QTest::newRow("fuzz: quarantine entry not an object") << u"/quarantine/0"_qs << QByteArray("5");
    QTest::newRow("fuzz: warning source huge") << u"/warnings/0/source"_qs << QByteArray("18446744073709551615");
    QTest::newRow("fuzz: duplicate choice row 1e19") << u"/decisions/duplicates/0b6f3c1e-4a2d-4f8e-9c1b-2d3e4f5a6b70/row"_qs
                                                   << QByteArray("1e19");
    QTest::newRow("fuzz: row edit row 2.5") << u"/decisions/rowEdits/0/row"_qs << QByteArray("2.5");
    QTest::newRow("fuzz: mapped column 2^31-1") << u"/sources/0/mapping/columns/timestamp"_qs << QByteArray("2147483647");
    QTest::newRow("fuzz: mapped column -7") << u"/sources/0/mapping/columns/uuid"_qs << QByteArray("-7");
    QTest::newRow("fuzz: count near 2^63") << u"/sources/0/counts/read"_qs << QByteArray("9223372036854775807");
    QTest::newRow("fuzz: count negative") << u"/sources/0/counts/blank"_qs << QByteArray("-1");
}

void tst_Importer::damagedProjectNumbers()
{
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    using nlohmann::json;
    const json record = json::array({"0b6f3c1e-4a2d-4f8e-9c1b-2d3e4f5a6b70", 1762133025678LL, "incident", "3430",
                                     "Ari Testperson", "Minor", "Disruption", "Classroom", "Redirect", "note",
                                     "t.one@school.example", "5JT", "Mozilla/5.0", 0, 2, 0});
    json second = record;
    second[14] = 3;
    second[9] = "edited";
    json file = {
        {"format", "tracktally-recovery-project"},
        {"version", 1},
        {"school", {{"name", "Example Primary"}, {"domain", "school.example"}, {"timeZone", "Australia/Melbourne"}}},
        {"sources", json::array({{{"path", "/tmp/Incidents.csv"}, {"kind", "csv"}, {"sheet", "Incidents"},
                                  {"mapping", {{"hasHeader", true}, {"columns", {{"timestamp", 0}, {"uuid", 11}}}}},
                                  {"counts", {{"read", 3}, {"accepted", 1}, {"blank", 0}}}}})},
        {"quarantine", json::array({{{"source", 0}, {"row", 4}, {"field", "timestamp"}, {"reason", "x"}}})},
        {"warnings", json::array({{{"source", 0}, {"row", 3}, {"field", "teacherEmail"}, {"message", "x"}}})},
        {"decisions", {{"duplicates", {{"0b6f3c1e-4a2d-4f8e-9c1b-2d3e4f5a6b70", {{"source", 0}, {"row", 2}}}}},
                       {"rowEdits", json::array({{{"sourceSha256", "00"}, {"sheet", "Incidents"}, {"row", 4}}})}}},
        {"records", json::array({record, second})}};
    if (!pointer.isEmpty())
        file[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
    const QString path = m_dir.filePath(u"numbers-%1.ttproj"_qs.arg(QString::fromLatin1(QTest::currentDataTag()).size()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QByteArray::fromStdString(file.dump()));
    f.close();
    try {
        const Project p = Project::load(path);
        QVERIFY2(pointer.isEmpty(), "a damaged project file was accepted");
        QCOMPARE(p.records().size(), size_t(2));
        QCOMPARE(p.counts().read, 3);
    } catch (const ProjectError &e) {
        QVERIFY2(!pointer.isEmpty(), qPrintable(e.message()));
        QVERIFY2(e.message().contains(u"damaged"_qs) && e.message().contains(path), qPrintable(e.message()));
    }
}

// A large CSV file is read in two parts on two threads: for every kind of file and cut, the project (sources,
// counts, notes, records in order, quarantine, warnings) must be exactly that of reading it whole.
void tst_Importer::csvSplitReadsAsWhole_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("header");
    QTest::addColumn<QString>("delimiter");
    QTest::addColumn<QString>("encoding");
    QTest::addColumn<QByteArray>("lineEnd"); // the generator writes CR LF
    QTest::newRow("crlf") << quint64(51) << true << u","_qs << u"UTF-8"_qs << QByteArray("\r\n");
    QTest::newRow("lf") << quint64(52) << true << u","_qs << u"UTF-8"_qs << QByteArray("\n");
    QTest::newRow("cr") << quint64(53) << true << u";"_qs << u"UTF-8"_qs << QByteArray("\r");
    QTest::newRow("lfcr") << quint64(54) << true << u","_qs << u"UTF-8"_qs << QByteArray("\n\r");
    QTest::newRow("bom-no-header") << quint64(55) << false << u","_qs << u"UTF-8 BOM"_qs << QByteArray("\r\n");
    QTest::newRow("tab-utf16") << quint64(56) << true << u"\t"_qs << u"UTF-16LE BOM"_qs << QByteArray("\r\n");
}

void tst_Importer::csvSplitReadsAsWhole()
{
    QFETCH(quint64, seed);
    QFETCH(bool, header);
    QFETCH(QString, delimiter);
    QFETCH(QString, encoding);
    QFETCH(QByteArray, lineEnd);
    const School school = schoolOf(seed, 1500);
    QuirkOptions q; // blank rows, rows to quarantine, warnings, locale dates, multi-line notes...
    q.header = header;
    const QString dir = m_dir.filePath(u"split-"_qs + QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY(QDir().mkpath(dir));
    const QString path = dir + u"/Incidents.csv"_qs;
    writeCsvTab(school, RecordType::Incident, path, q, char(delimiter.at(0).unicode()), encoding);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray data = file.readAll();
    if (lineEnd != "\r\n") {
        data.replace("\r\n", lineEnd);
        QVERIFY(file.resize(0));
        file.write(data);
    }
    file.close();
    const int bom = data.startsWith("\xEF\xBB\xBF") ? 3 : 0;

    Project whole = newProject(school);
    ImportOutcome wholeOut;
    {
        const CsvSplit never(NeverSplit);
        QCOMPARE(importInto(whole, path, RecordType::Incident, &wholeOut), QString());
    }
    QVERIFY(whole.counts(0).quarantined > 0);
    QVERIFY(whole.counts(0).blank > 0);
    QVERIFY(!whole.warnings().empty());
    for (const qint64 cut : trickyCuts(data.mid(bom))) {
        const CsvSplit split(0, cut);
        Project parts = newProject(school);
        ImportOutcome partsOut;
        QCOMPARE(importInto(parts, path, RecordType::Incident, &partsOut), QString());
        compareProjects(whole, parts);
        QCOMPARE(partsOut.notes, wholeOut.notes);
    }
}

// The day/month order of locale dates is decided over the whole file: the evidence of both parts counts, and
// rows of the earlier part that waited for it are settled (or quarantined) as in a whole read.
void tst_Importer::csvSplitDecidesDateOrderAsWhole_data()
{
    QTest::addColumn<QStringList>("earlier"); // dates of the rows before the cut
    QTest::addColumn<QStringList>("later");
    QTest::newRow("evidence-only-later") << QStringList{u"03/04/2025"_qs, u"05/06/2025"_qs}
                                         << QStringList{u"07/08/2025"_qs, u"25/04/2025"_qs};
    QTest::newRow("disagree") << QStringList{u"04/25/2025"_qs, u"03/04/2025"_qs}
                              << QStringList{u"25/04/2025"_qs, u"26/04/2025"_qs, u"05/06/2025"_qs};
    QTest::newRow("none-either-side") << QStringList{u"03/04/2025"_qs} << QStringList{u"05/06/2025"_qs};
}

void tst_Importer::csvSplitDecidesDateOrderAsWhole()
{
    QFETCH(QStringList, earlier);
    QFETCH(QStringList, later);
    QByteArray data = "timestamp,studentId,studentName,level,category,location,actionTaken,note,teacherEmail,"
                      "classCode,device,uuid\r\n";
    qint64 cut = 0;
    int n = 0;
    for (const QStringList *dates : {&earlier, &later}) {
        for (const QString &date : *dates)
            for (int k = 0; k < 40; ++k, ++n)
                data += (date + u" 10:%1:00,%2,Ann Lee,Minor,Other,Oval,Chat,\"note\nline two\",t@x.example.edu.au,1A,"
                                u"dev,00000000-0000-4000-8000-%3\r\n"_qs)
                            .arg(k % 60, 2, 10, QLatin1Char('0'))
                            .arg(3000 + n)
                            .arg(n, 12, 10, QLatin1Char('0'))
                            .toUtf8();
        cut = cut ? cut : data.size() - 5; // inside the earlier part's last row
    }
    const QString path = m_dir.filePath(u"dates-"_qs + QString::fromLatin1(QTest::currentDataTag()) + u".csv"_qs);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
    f.close();
    const School school = generateSchool(SchoolSpec{});
    Project whole = newProject(school), parts = newProject(school);
    {
        const CsvSplit never(NeverSplit);
        QCOMPARE(importInto(whole, path, RecordType::Incident), QString());
    }
    {
        const CsvSplit split(0, cut);
        QCOMPARE(importInto(parts, path, RecordType::Incident), QString());
    }
    QCOMPARE(whole.counts(0).read, qint64(n));
    compareProjects(whole, parts);
}

// An error in either part is the error of reading the file whole: the earlier row's when both parts fail, naming
// the file and row; nothing of the file is kept.
void tst_Importer::csvSplitFailsAsWhole()
{
    const School school = schoolOf(57, 1500);
    const QString dir = m_dir.filePath(u"split-fails"_qs);
    QVERIFY(QDir().mkpath(dir));
    const QString good = dir + u"/Incidents.csv"_qs;
    writeCsvTab(school, RecordType::Incident, good, QuirkOptions{});
    QFile in(good);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray data = in.readAll();
    QVERIFY(data.size() > 4 * CsvReader::SampleBytes);
    const qsizetype lineAt70 = data.indexOf("\r\n2", data.size() * 7 / 10) + 2;
    QByteArray nul = data;
    nul.insert(lineAt70 + 4, '\0'); // in the earlier part (past what the reader checks for binary data)
    const QByteArray unclosed = data + "2025-11-03T10:00:00Z,3430,\"never closed\r\n";
    struct Case
    {
        const char *name;
        QByteArray bytes;
        const char *expected; // in the message
    };
    const Case cases[] = {{"later", unclosed, "never closed"},
                          {"earlier", nul, "NUL"},
                          {"both", nul + unclosed.mid(data.size()), "NUL"}};
    for (const Case &c : cases) {
        const QString path = dir + u"/%1.csv"_qs.arg(QLatin1String(c.name));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(c.bytes);
        f.close();
        Project whole = newProject(school), parts = newProject(school);
        QString wholeError, partsError;
        {
            const CsvSplit never(NeverSplit);
            wholeError = importInto(whole, path, RecordType::Incident);
        }
        {
            const CsvSplit split(0, c.bytes.size() * 9 / 10);
            partsError = importInto(parts, path, RecordType::Incident);
        }
        QVERIFY2(wholeError.contains(QLatin1String(c.expected)), qPrintable(wholeError));
        QVERIFY2(wholeError.contains(QFileInfo(path).fileName()), qPrintable(wholeError));
        QCOMPARE(partsError, wholeError);
        QVERIFY(parts.sources().empty());
        QVERIFY(parts.records().empty());
    }
}

// importCsvFiles() with the first file read in two parts (beside the second file on the other thread): the
// outcomes and the project of importCsv() of each in turn.
void tst_Importer::csvFilesSplitEqualOneByOne()
{
    const School school = schoolOf(58, 2000);
    const QString dir = m_dir.filePath(u"split-together"_qs);
    QVERIFY(QDir().mkpath(dir));
    const ExportResult inc = writeCsvTab(school, RecordType::Incident, dir + u"/Incidents.csv"_qs, QuirkOptions{});
    const ExportResult com
        = writeCsvTab(school, RecordType::Commendation, dir + u"/Commendations.csv"_qs, QuirkOptions{});
    const std::vector<Importer::CsvFile> files{{inc.path, RecordType::Incident}, {com.path, RecordType::Commendation}};
    Project one = newProject(school), together = newProject(school);
    std::vector<ImportOutcome> expected, got;
    {
        const CsvSplit never(NeverSplit);
        Importer a(one);
        for (const auto &f : files)
            expected.push_back(a.importCsv(f.path, f.type));
    }
    {
        const CsvSplit split(0); // where the threads' work balances
        Importer b(together);
        got = b.importCsvFiles(files);
    }
    QCOMPARE(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].sourceIndex, expected[i].sourceIndex);
        QCOMPARE(got[i].notes, expected[i].notes);
        QCOMPARE(got[i].counts.read, expected[i].counts.read);
        QCOMPARE(got[i].counts.accepted, expected[i].counts.accepted);
        QCOMPARE(got[i].counts.quarantined, expected[i].counts.quarantined);
    }
    compareProjects(one, together);
    compareCounts(together.counts(0), inc.counts);
    compareRecords(together, 0, inc);
}

// Cancel stops both parts' threads (each polls it) and keeps nothing of the file.
void tst_Importer::csvSplitCancels()
{
    const School school = schoolOf(59, 12000); // more rows than the readers read between polls
    const QString path = m_dir.filePath(u"split-cancel.csv"_qs);
    writeCsvTab(school, RecordType::Incident, path, QuirkOptions::none());
    CancelFlag cancel;
    cancel.cancel();
    const CsvSplit split(0, QFileInfo(path).size() / 2);
    Project project = newProject(school);
    Importer importer(project);
    QVERIFY_THROWS_EXCEPTION(Cancelled, importer.importCsv(path, RecordType::Incident, &cancel));
    QVERIFY(project.sources().empty());
    QVERIFY(project.records().empty());
}

QTEST_GUILESS_MAIN(tst_Importer)
#include "tst_importer.moc"
