// A roster snapshot written into the school's Google Sheet (snapshot --sheet-id), against the fake Sheets server:
// the write scope is asked for only here, missing tabs are added (batchUpdate addSheet), values are written with
// valueInputOption=RAW and read back exactly, an earlier snapshot tab is rewritten, a tab the school wrote itself
// is never touched, a read-only token cannot write. End to end: the app's snapshot command on a school written to
// the real sandbox PostgreSQL (fixture database_sandbox) puts the same rows in the sheet as in its CSV files.
#include "dbtestsupport.h"
#include "fakesheetsserver.h"
#include "valuesfixture.h"

#include "common/errors.h"
#include "database/database.h"
#include "roster/rostersnapshot.h"
#include "roster/snapshotsheet.h"
#include "sheets/sheetsapi.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace tt::test;
using namespace Qt::StringLiterals;

namespace {

QString writeScope() { return u"https://www.googleapis.com/auth/spreadsheets"_s; }
QString readScope() { return u"https://www.googleapis.com/auth/spreadsheets.readonly"_s; }

RosterSnapshot quirkySnapshot(int students)
{
    RosterSnapshot s;
    s.school = u"Wattle Grove Primary"_s;
    s.domain = u"wattlegrove.example.edu.au"_s;
    s.database = u"tracktally"_s;
    s.takenAt = u"2025-11-20T00:00:00.000Z"_s;
    s.teachers = {{u"jtan@wattlegrove.example.edu.au"_s, u"Jo Tan"_s, u"admin"_s, false, true},
                  {u"art@wattlegrove.example.edu.au"_s, QString(), u"teacher"_s, true, true}};
    s.classrooms = {{u"5JT"_s, u"Year 5, \"Tan\""_s, false, u"jtan@wattlegrove.example.edu.au"_s,
                     {u"art@wattlegrove.example.edu.au"_s}}};
    const QStringList notes = {u"=Sees the OT on Mondays"_s, u"Line one\nline two 🌟"_s, u"-3 days absent"_s,
                               u"'quoted', with commas"_s, QString()};
    for (int i = 0; i < students; ++i)
        s.students.push_back({u"34%1"_s.arg(i, 2, 10, QLatin1Char('0')), u"First%1"_s.arg(i), u"O'Last"_s, u"5JT"_s,
                              u"+61 400 000 %1"_s.arg(i), notes[i % notes.size()], i % 7 != 3});
    return s;
}

} // namespace

class tst_SnapshotSheet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void writesNewTabsRaw();
    void rewritesItsOwnTabs();
    void schoolsOwnTabIsNeverTouched();
    void readOnlyTokenCannotWrite();
    void everythingElseStaysReadOnly();
    void commandLineFromDatabase();

private:
    FakeSheetsServer::Config baseConfig() const;
    SheetsApiOptions options(bool write) const;
    QTemporaryDir m_dir;
    FakeSheetsServer m_server;
    QString m_keyPath;
};

void tst_SnapshotSheet::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_server.start());
    // Credentials go only to Google's hosts; a loopback test server only when the environment names it.
    qputenv("TT_GOOGLE_TEST_SERVER", m_server.baseUrl().toUtf8());
    nlohmann::json key = keyJson();
    key["token_uri"] = m_server.tokenUrl().toStdString();
    m_keyPath = m_dir.filePath(u"service-account.json"_s);
    QVERIFY(writeAll(m_keyPath, QByteArray::fromStdString(key.dump(2))));
}

void tst_SnapshotSheet::init()
{
    m_server.setConfig(baseConfig());
    m_server.resetStats();
}

FakeSheetsServer::Config tst_SnapshotSheet::baseConfig() const
{
    FakeSheetsServer::Config c;
    c.spreadsheetId = kSheetId;
    c.clientEmail = QString::fromStdString(keyJson()["client_email"].get<std::string>());
    c.publicKeyPem = readAll(dataDir() + u"test-only-key.pub.pem"_s);
    c.tabs.insert(u"Incidents"_s, R"({"range":"Incidents!A1:B2","majorDimension":"ROWS","values":[["timestamp","studentId"],["2025-11-03T01:23:45.678Z",3430]]})");
    c.tabs.insert(u"Commendations"_s, R"({"range":"Commendations!A1:A1","majorDimension":"ROWS","values":[["timestamp"]]})");
    return c;
}

SheetsApiOptions tst_SnapshotSheet::options(bool write) const
{
    SheetsApiOptions o;
    o.apiBase = m_server.baseUrl();
    o.timeoutMs = 5000;
    o.backoffMs = 20;
    o.write = write;
    return o;
}

void tst_SnapshotSheet::writesNewTabsRaw()
{
    const RosterSnapshot snap = quirkySnapshot(12);
    SheetsApiClient client(ServiceAccountKey::load(m_keyPath), options(true));
    const SnapshotSheetResult r = writeSnapshotToSheet(snap, client, kSheetId);
    QCOMPARE(r.tabsAdded, snapshotSheetTabs());
    QCOMPARE(r.students, 12);
    const FakeSheetsServer::Stats st = m_server.stats();
    QCOMPARE(st.scopes, QStringList{writeScope()});
    QCOMPARE(st.writes, (QStringList{u"addSheet Roster teachers"_s, u"update 'Roster teachers'!A1"_s,
                                     u"addSheet Roster classrooms"_s, u"update 'Roster classrooms'!A1"_s,
                                     u"addSheet Roster students"_s, u"update 'Roster students'!A1"_s}));
    // Exactly the CSV files' header and cells (encoded the same way), one row per student.
    const QList<QStringList> students = st.written.value(u"Roster students"_s);
    QCOMPARE(students.size(), 13);
    QCOMPARE(students.first(), RosterSnapshot::studentColumns());
    QCOMPARE(students[1][5], u"'=Sees the OT on Mondays"_s); // formula-like text kept as text
    QCOMPARE(st.written.value(u"Roster classrooms"_s).value(1).value(4), u"art@wattlegrove.example.edu.au"_s);

    // Read back through the read-only path: every value decodes to what the snapshot holds.
    SheetsApiClient reader(ServiceAccountKey::load(m_keyPath), options(false));
    const auto back = reader.fetchValues(kSheetId, u"Roster students"_s);
    QVERIFY(back.has_value());
    QCOMPARE(back->rows.size(), size_t(13));
    const std::vector<QStringList> expected = snap.studentRows();
    for (size_t i = 0; i < expected.size(); ++i)
        for (qsizetype c = 0; c < expected[i].size(); ++c)
            QCOMPARE(decodeSnapshotCell(back->rows[i + 1].cells[size_t(c)].text), expected[i][c]);
    // The school's own tabs are untouched.
    QCOMPARE(m_server.config().tabs.value(u"Incidents"_s), baseConfig().tabs.value(u"Incidents"_s));
}

void tst_SnapshotSheet::rewritesItsOwnTabs()
{
    SheetsApiClient client(ServiceAccountKey::load(m_keyPath), options(true));
    writeSnapshotToSheet(quirkySnapshot(12), client, kSheetId);
    m_server.resetStats();
    // A later snapshot with fewer students: no tab added, each emptied then written; no row of the old one left.
    const SnapshotSheetResult r = writeSnapshotToSheet(quirkySnapshot(5), client, kSheetId);
    QVERIFY(r.tabsAdded.isEmpty());
    QCOMPARE(r.tabsRewritten, snapshotSheetTabs());
    const FakeSheetsServer::Stats st = m_server.stats();
    QCOMPARE(st.writes.filter(u"addSheet"_s).size(), 0);
    QCOMPARE(st.writes.filter(u"clear"_s).size(), 3);
    QCOMPARE(st.written.value(u"Roster students"_s).size(), 6);
    SheetsApiClient reader(ServiceAccountKey::load(m_keyPath), options(false));
    QCOMPARE(reader.fetchValues(kSheetId, u"Roster students"_s)->rows.size(), size_t(6));
}

void tst_SnapshotSheet::schoolsOwnTabIsNeverTouched()
{
    FakeSheetsServer::Config c = baseConfig();
    const QByteArray own = R"({"range":"'Roster students'!A1:B2","majorDimension":"ROWS","values":[["Name","Home group"],["Ava Nguyen","5JT"]]})";
    c.tabs.insert(u"Roster students"_s, own);
    m_server.setConfig(c);
    SheetsApiClient client(ServiceAccountKey::load(m_keyPath), options(true));
    try {
        writeSnapshotToSheet(quirkySnapshot(3), client, kSheetId);
        QFAIL("a tab the school wrote was overwritten");
    } catch (const UserError &e) {
        QVERIFY2(e.message().contains(u"Roster students"_s) && e.message().contains(u"Nothing was written"_s),
                 qPrintable(e.message()));
    }
    QVERIFY(m_server.stats().writes.isEmpty()); // not even the other two tabs
    QCOMPARE(m_server.config().tabs.value(u"Roster students"_s), own);
}

void tst_SnapshotSheet::readOnlyTokenCannotWrite()
{
    SheetsApiClient client(ServiceAccountKey::load(m_keyPath), options(false));
    try {
        client.updateValues(kSheetId, u"Incidents!A1"_s, {{u"x"_s}});
        QFAIL("a read-only token wrote");
    } catch (const UserError &e) {
        QVERIFY2(e.message().contains(u"Editor"_s), qPrintable(e.message()));
    }
    QCOMPARE(m_server.stats().scopes, QStringList{readScope()});
    QVERIFY(m_server.stats().rejections.contains(u"read-only token used to write"_s));
    QVERIFY(m_server.stats().writes.isEmpty());
}

void tst_SnapshotSheet::everythingElseStaysReadOnly()
{
    const SheetsApiClient reader(ServiceAccountKey::load(m_keyPath));
    QCOMPARE(reader.scope(), readScope());
    const QList<QByteArray> parts = reader.assertion(QDateTime::currentSecsSinceEpoch()).split('.');
    QCOMPARE(parts.size(), 3);
    const auto claims = nlohmann::json::parse(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding).toStdString());
    QCOMPARE(QString::fromStdString(claims["scope"].get<std::string>()), readScope());
    const SheetsApiClient writer(ServiceAccountKey::load(m_keyPath), options(true));
    QCOMPARE(writer.scope(), writeScope());
}

void tst_SnapshotSheet::commandLineFromDatabase()
{
    const Sandbox sandbox = fixtureSandbox();
    const QString dbName = u"tst_snapshotsheet"_s;
    const QString url = createScratchDatabase(sandbox, dbName);
    auto drop = qScopeGuard([&] { dropDatabase(sandbox, dbName); });
    SchoolSpec spec;
    spec.seed = 31;
    spec.students = 30;
    spec.incidents = 120;
    {
        Database db(ConnectionSpec::parse(url));
        ApplyOptions o;
        o.confirmDatabase = dbName;
        o.backupDir = m_dir.filePath(u"apply-backup"_s);
        RecoveryWriter(db, makeSchool(spec)).apply(o);
    }
    auto run = [&](const QStringList &args, QString *out, QString *err) {
        QProcess p;
        p.start(qEnvironmentVariable("TT_APP"), QStringList{u"snapshot"_s} + args);
        if (!p.waitForFinished(120000))
            return -1;
        *out = QString::fromUtf8(p.readAllStandardOutput());
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    };
    const QString dir = m_dir.filePath(u"cli-snapshot"_s);
    const QString json = m_dir.filePath(u"cli-snapshot.json"_s);
    QString out, err;
    QCOMPARE(run({u"--database"_s, url, u"--domain"_s, spec.domain, u"--sheet-id"_s,
                  u"https://docs.google.com/spreadsheets/d/"_s + kSheetId + u"/edit"_s},
                 &out, &err),
             2); // --sheet-id needs credentials
    QVERIFY2(err.contains(u"--service-account"_s), qPrintable(err));
    QCOMPARE(run({u"--database"_s, url, u"--domain"_s, spec.domain, u"--out"_s, dir, u"--json"_s, json,
                  u"--sheet-id"_s, u"https://docs.google.com/spreadsheets/d/"_s + kSheetId + u"/edit"_s,
                  u"--service-account"_s, m_keyPath, u"--sheets-api-base"_s, m_server.baseUrl()},
                 &out, &err),
             0);
    QVERIFY2(out.contains(u"written to the Google Sheet"_s), qPrintable(out + err));
    // The sheet holds exactly what the CSV files hold.
    const RosterSnapshot files = RosterSnapshot::read(dir);
    QVERIFY(files.students.size() > 0);
    const FakeSheetsServer::Stats st = m_server.stats();
    QCOMPARE(st.scopes, QStringList{writeScope()});
    const QList<QStringList> sheetStudents = st.written.value(u"Roster students"_s);
    QCOMPARE(sheetStudents.size(), qsizetype(files.students.size() + 1));
    const std::vector<QStringList> rows = files.studentRows();
    for (size_t i = 0; i < rows.size(); ++i) {
        QStringList decoded;
        for (const QString &c : sheetStudents[qsizetype(i + 1)])
            decoded << decodeSnapshotCell(c);
        QCOMPARE(decoded, rows[i]);
    }
    QCOMPARE(st.written.value(u"Roster teachers"_s).size(), qsizetype(files.teachers.size() + 1));
    QCOMPARE(st.written.value(u"Roster classrooms"_s).size(), qsizetype(files.classrooms.size() + 1));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(o.value(u"students").toInteger(), qint64(files.students.size()));
    QCOMPARE(o.value(u"sheet").toObject().value(u"spreadsheetId").toString(), kSheetId);
    QVERIFY(!out.contains(u"ya29."_s) && !err.contains(u"ya29."_s)); // no token is ever printed
}

QTEST_GUILESS_MAIN(tst_SnapshotSheet)
#include "tst_snapshotsheet.moc"
