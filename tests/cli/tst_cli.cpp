// The command line, run as a user would: the real binary in a child process, real files.
#include "fixturegenerator.h"
#include "project/project.h"

#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>

#include <csignal>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace tt::test;

namespace {

struct Run
{
    int code = -1;
    QString out, err;
};

Run run(const QStringList &args, const QMap<QString, QString> &extraEnv = {})
{
    QProcess p;
    p.setProgram(qEnvironmentVariable("TT_APP"));
    p.setArguments(args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    p.start();
    if (!p.waitForFinished(120000))
        return {};
    return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
               QString::fromUtf8(p.readAllStandardError())};
}

qint64 num(const nlohmann::json &j)
{
    return j.is_number() ? j.get<qint64>() : -1;
}

nlohmann::json readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void usage_data();
    void usage();
    void importReconstructReport();
    void openProjectFile();
    void olderProjectIsConverted();
    void userErrors_data();
    void userErrors();
    void ctrlCStopsImportBeforeSaving();

private:
    QTemporaryDir m_dir;
    School m_school;
    ExportResult m_inc, m_com;
};

void tst_Cli::initTestCase()
{
    QVERIFY(QFileInfo(qEnvironmentVariable("TT_APP")).isExecutable());
    QVERIFY(m_dir.isValid());
    SchoolSpec spec;
    spec.seed = 77;
    spec.logs = 1500;
    m_school = generateSchool(spec);
    m_inc = writeCsvTab(m_school, tt::RecordType::Incident, m_dir.filePath(u"Incidents.csv"_qs), QuirkOptions{});
    m_com = writeCsvTab(m_school, tt::RecordType::Commendation, m_dir.filePath(u"Commendations.csv"_qs), QuirkOptions{});
    writeRosterCsv(m_school, m_dir.filePath(u"roster.csv"_qs));
    writeStaffCsv(m_school, m_dir.filePath(u"staff.csv"_qs));
}

void tst_Cli::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("outContains");
    QTest::newRow("version") << QStringList{u"--version"_qs} << 0 << u"tracktally-recovery 0."_qs;
    QTest::newRow("help") << QStringList{u"--help"_qs} << 0 << u"reconstruct"_qs;
    QTest::newRow("import-help") << QStringList{u"import"_qs, u"--help"_qs} << 0 << u"--workbook"_qs;
    QTest::newRow("help-names-command") << QStringList{u"plan"_qs, u"--help"_qs} << 0 << u"Usage: tracktally-recovery plan [options]"_qs;
    QTest::newRow("import-version") << QStringList{u"import"_qs, u"--version"_qs} << 0 << u"import"_qs;
    QTest::newRow("report-help") << QStringList{u"report"_qs, u"--help"_qs} << 0 << u"--csv-dir"_qs;
    QTest::newRow("unknown-command") << QStringList{u"frobnicate"_qs} << 2 << QString();
    QTest::newRow("import-no-project") << QStringList{u"import"_qs} << 2 << QString();
    QTest::newRow("import-unknown-option") << QStringList{u"import"_qs, u"--project"_qs, u"x"_qs, u"--bogus"_qs} << 2 << QString();
    QTest::newRow("import-bad-timezone") << QStringList{u"import"_qs, u"--project"_qs, u"x"_qs, u"--timezone"_qs, u"Mars/Olympus"_qs}
                                         << 2 << QString();
    QTest::newRow("new-project-needs-school") << QStringList{u"import"_qs, u"--project"_qs, u"/nonexistent/new.ttproj"_qs}
                                              << 2 << QString();
    QTest::newRow("report-nothing-to-write") << QStringList{u"report"_qs, u"--project"_qs, u"x"_qs} << 2 << QString();
}

void tst_Cli::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, outContains);
    const Run r = run(args);
    QCOMPARE(r.code, code);
    if (!outContains.isEmpty())
        QVERIFY2(r.out.contains(outContains), qPrintable(r.out));
    if (code == 2)
        QVERIFY(!r.err.isEmpty());
}

// `tracktally-recovery FILE.ttproj` (what a file manager runs on a double-click: Exec=tracktally-recovery %f) opens
// the wizard on that project, with the school and the file in the window title; a command word stays a command.
void tst_Cli::openProjectFile()
{
    const QString project = m_dir.filePath(u"opened.ttproj"_qs);
    QCOMPARE(run({u"import"_qs, u"--project"_qs, project, u"--school"_qs, m_school.spec.name, u"--domain"_qs,
                  m_school.spec.domain, u"--timezone"_qs, m_school.spec.timeZone, u"--incidents"_qs, m_inc.path})
                 .code,
             0);
    const QMap<QString, QString> quit{{u"TT_QUIT_AFTER_SHOWN"_qs, u"1"_qs}};
    Run r = run({project}, quit);
    QCOMPARE(r.code, 0);
    QVERIFY2(!r.err.contains(u"Unknown command"_qs), qPrintable(r.err));
    QCOMPARE(r.out.trimmed(), m_school.spec.name + u" (opened.ttproj) — TrackTally Recovery"_qs);

    // A project file whose name is not .ttproj still opens when it exists; the --project option still works.
    const QString renamed = m_dir.filePath(u"opened-copy.json"_qs);
    QVERIFY(QFile::copy(project, renamed));
    r = run({renamed}, quit);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), m_school.spec.name + u" (opened-copy.json) — TrackTally Recovery"_qs);
    r = run({u"--project"_qs, project}, quit);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"(opened.ttproj)"_qs), qPrintable(r.out));

    // Neither a command nor a file: still "Unknown command", exit 2 (see usage_data).
    QCOMPARE(run({m_dir.filePath(u"no-such-file.txt"_qs)}).code, 2);
}

void tst_Cli::importReconstructReport()
{
    const QString project = m_dir.filePath(u"school.ttproj"_qs);
    const QStringList importArgs{u"import"_qs, u"--project"_qs, project, u"--school"_qs, m_school.spec.name,
                                 u"--domain"_qs, m_school.spec.domain, u"--timezone"_qs, m_school.spec.timeZone,
                                 u"--incidents"_qs, m_inc.path, u"--commendations"_qs, m_com.path};
    Run r = run(importArgs);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"rows read"_qs), qPrintable(r.out));
    QVERIFY(QFileInfo(project).permissions() & QFileDevice::ReadOwner);
    QVERIFY(!(QFileInfo(project).permissions() & QFileDevice::ReadOther));

    const QString json = m_dir.filePath(u"report.json"_qs);
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--json"_qs, json}).code, 0);
    // Reports name children: owner-only files, and owner-only folders when the command creates them.
    const QString privateHtml = m_dir.filePath(u"private/reports/report.html"_qs);
    const QString privateCsv = m_dir.filePath(u"private/csv"_qs);
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--html"_qs, privateHtml, u"--csv-dir"_qs, privateCsv}).code, 0);
    const auto owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    const auto ownerDir = owner | QFileDevice::ExeOwner;
    const auto userBits = QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser;
    for (const QString &f : {json, privateHtml, privateCsv + u"/students.csv"_qs, privateCsv + u"/quarantine.csv"_qs})
        QCOMPARE(QFile::permissions(f) & ~QFileDevice::Permissions(userBits), owner);
    for (const QString &d : {m_dir.filePath(u"private"_qs), m_dir.filePath(u"private/reports"_qs), privateCsv})
        QCOMPARE(QFile::permissions(d) & ~QFileDevice::Permissions(userBits), ownerDir);
    nlohmann::json j = readJson(json);
    QVERIFY(j.is_object());
    const nlohmann::json rows = j["rows"];
    QCOMPARE(num(rows["read"]), m_inc.counts.read + m_com.counts.read);
    QCOMPARE(num(rows["accepted"]), m_inc.counts.accepted + m_com.counts.accepted);
    QCOMPARE(num(rows["duplicatesIdentical"]), m_inc.counts.duplicatesIdentical + m_com.counts.duplicatesIdentical);
    QCOMPARE(num(rows["duplicatesConflicting"]), m_inc.counts.duplicatesConflicting + m_com.counts.duplicatesConflicting);
    QCOMPARE(num(rows["quarantined"]), m_inc.counts.quarantined + m_com.counts.quarantined);
    QCOMPARE(num(rows["blank"]), m_inc.counts.blank + m_com.counts.blank);
    QCOMPARE(num(j["incidents"]["incident"]), m_inc.counts.accepted);
    QCOMPARE(num(j["incidents"]["commendation"]), m_com.counts.accepted);
    QCOMPARE(qint64(j["quarantine"].size()), m_inc.counts.quarantined + m_com.counts.quarantined);
    for (const auto &q : j["quarantine"]) {
        QVERIFY(q.contains("source") && q.contains("row") && q.contains("reason"));
    }

    // Importing the same files again adds nothing.
    r = run(importArgs);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"nothing added"_qs), qPrintable(r.out));
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--json"_qs, json}).code, 0);
    QVERIFY(readJson(json)["rows"] == rows);

    // Roster reconstruction with the school's lists; the report gains the roster keys.
    r = run({u"reconstruct"_qs, u"--project"_qs, project, u"--roster"_qs, m_dir.filePath(u"roster.csv"_qs), u"--staff"_qs,
             m_dir.filePath(u"staff.csv"_qs)});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Teachers:"_qs), qPrintable(r.out + r.err));
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--json"_qs, json}).code, 0);
    j = readJson(json);
    for (const char *key : {"teachers", "classrooms", "students", "links", "conflicts"})
        QVERIFY2(j.contains(key), key);
    QCOMPARE(size_t(j["teachers"].size()), m_school.teachers.size());
    QCOMPARE(size_t(j["classrooms"].size()), m_school.classes.size());
    QCOMPARE(size_t(j["students"].size()), m_school.students.size());
    QCOMPARE(num(j["links"]["total"]), m_inc.counts.accepted + m_com.counts.accepted);

    // A decision on the command line survives the next run.
    const QString email = QString::fromStdString(j["teachers"][0]["email"].get<std::string>());
    QCOMPARE(run({u"reconstruct"_qs, u"--project"_qs, project, u"--teacher-name"_qs, email + u"=Chosen Name"_qs}).code, 0);
    QCOMPARE(run({u"reconstruct"_qs, u"--project"_qs, project}).code, 0);
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--json"_qs, json}).code, 0);
    j = readJson(json);
    QCOMPARE(QString::fromStdString(j["teachers"][0]["displayName"].get<std::string>()), u"Chosen Name"_qs);

    // What the evidence settled is listed with its rule (ids whose zeros the sheet dropped); --reopen makes it a
    // question again, --separate-student keeps the ids apart for good.
    QString twin;
    for (const auto &c : j["conflicts"]) {
        for (const char *key : {"kind", "subject", "detail", "needsDecision", "settledBy"})
            QVERIFY2(c.contains(key), key);
        if (twin.isEmpty() && c["settledBy"].is_string() && c["settledBy"].get<std::string>() == "leadingZeroTwins") {
            QVERIFY(!c["needsDecision"].get<bool>());
            twin = QString::fromStdString(c["subject"].get<std::string>());
        }
    }
    QVERIFY(!twin.isEmpty());
    r = run({u"reconstruct"_qs, u"--project"_qs, project, u"--reopen"_qs, u"leadingZeroTwins="_qs + twin});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"questions ("_qs), qPrintable(r.out));
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--json"_qs, json}).code, 0);
    j = readJson(json);
    QCOMPARE(size_t(j["students"].size()), m_school.students.size() + 1); // the dropped-zeros id on its own
    bool asked = false;
    for (const auto &c : j["conflicts"])
        asked = asked || (c["kind"] == "leadingZeros" && c["needsDecision"].get<bool>());
    QVERIFY(asked);

    // For people: HTML and CSV files.
    const QString html = m_dir.filePath(u"report.html"_qs);
    const QString csvDir = m_dir.filePath(u"csv"_qs);
    QCOMPARE(run({u"report"_qs, u"--project"_qs, project, u"--html"_qs, html, u"--csv-dir"_qs, csvDir}).code, 0);
    QFile h(html);
    QVERIFY(h.open(QIODevice::ReadOnly));
    QVERIFY(h.readAll().contains(m_school.spec.name.toUtf8()));
    for (const char *f : {"teachers.csv", "classrooms.csv", "students.csv", "quarantine.csv"})
        QVERIFY2(QFileInfo::exists(csvDir + u'/' + QString::fromLatin1(f)), f);
}

// A project saved by an earlier version (format 1, JSON) opens in any command: converted in place, the original
// kept beside it, and the command says so on stderr (stdout stays the report).
void tst_Cli::olderProjectIsConverted()
{
    const QString current = m_dir.filePath(u"for-v1.ttproj"_qs);
    QCOMPARE(run({u"import"_qs, u"--project"_qs, current, u"--school"_qs, m_school.spec.name, u"--domain"_qs,
                  m_school.spec.domain, u"--timezone"_qs, m_school.spec.timeZone, u"--incidents"_qs, m_inc.path})
                 .code,
             0);
    const QString old = m_dir.filePath(u"older.ttproj"_qs);
    tt::Project::load(current).saveJsonV1(old);
    Run r = run({u"report"_qs, u"--project"_qs, old, u"--json"_qs, u"-"_qs});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains(u"earlier version"_qs) && r.err.contains(u"older.ttproj.v1.json"_qs), qPrintable(r.err));
    const nlohmann::json j = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
    QVERIFY2(j.is_object(), qPrintable(r.out.left(200)));
    QCOMPARE(num(j["rows"]["read"]), m_inc.counts.read);
    QVERIFY(QFileInfo::exists(m_dir.filePath(u"older.ttproj.v1.json"_qs)));
    // Once converted, nothing more is said.
    r = run({u"report"_qs, u"--project"_qs, old, u"--json"_qs, u"-"_qs});
    QCOMPARE(r.code, 0);
    QVERIFY2(!r.err.contains(u"earlier version"_qs), qPrintable(r.err));
}

void tst_Cli::userErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("errContains");
    const QString missing = u"/nonexistent/dir/none.csv"_qs;
    QTest::newRow("missing-csv") << QStringList{u"import"_qs, u"--project"_qs, u"@DIR@/p2.ttproj"_qs, u"--school"_qs, u"S"_qs,
                                                u"--domain"_qs, u"s.example"_qs, u"--incidents"_qs, missing}
                                 << u"does not exist"_qs;
    QTest::newRow("not-a-project") << QStringList{u"report"_qs, u"--project"_qs, u"@DIR@/Incidents.csv"_qs, u"--json"_qs, u"-"_qs}
                                   << u"damaged"_qs;
    QTest::newRow("no-project-file") << QStringList{u"report"_qs, u"--project"_qs, u"@DIR@/none.ttproj"_qs, u"--json"_qs, u"-"_qs}
                                     << u"does not exist"_qs;
}

void tst_Cli::userErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, errContains);
    for (QString &a : args)
        a.replace(u"@DIR@"_qs, m_dir.path());
    const Run r = run(args);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(errContains), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count(u'\n'), 0); // one line
}

void tst_Cli::ctrlCStopsImportBeforeSaving()
{
    // A big enough export that the import is still running when Ctrl+C arrives.
    const QString csv = m_dir.filePath(u"big-incidents.csv"_qs);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("timestamp,studentId,studentName,level,category,location,actionTaken,note,teacherEmail,classCode,device,uuid\n");
    QByteArray chunk;
    for (int i = 0; i < 400000; ++i) {
        chunk += QStringLiteral("2025-11-03T01:23:45.678Z,%1,Ava Quill,Minor,Disruption,Classroom,,Talked loudly,"
                                "jane.smith@wattle.example,5JT,ua,0b9f6c1e-1111-4a2b-9c3d-%2\n")
                     .arg(3000 + i % 500)
                     .arg(i, 12, 10, QChar(u'0'))
                     .toLatin1();
        if (chunk.size() > (1 << 20)) {
            f.write(chunk);
            chunk.clear();
        }
    }
    f.write(chunk);
    f.close();
    const QString project = m_dir.filePath(u"interrupted.ttproj"_qs);
    QProcess p;
    p.start(qEnvironmentVariable("TT_APP"), {u"import"_qs, u"--project"_qs, project, u"--school"_qs, u"Wattle"_qs,
                                             u"--domain"_qs, u"wattle.example"_qs, u"--timezone"_qs, u"UTC"_qs,
                                             u"--incidents"_qs, csv});
    QVERIFY(p.waitForStarted());
    // Strike once the app has installed its handler (SIGINT in SigCgt), not before.
    const QString status = u"/proc/%1/status"_qs.arg(p.processId());
    auto catchesSigint = [&] {
        QFile s(status);
        if (!s.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray &line : s.readAll().split('\n'))
            if (line.startsWith("SigCgt:"))
                return (line.mid(7).trimmed().toULongLong(nullptr, 16) & (1ull << (SIGINT - 1))) != 0;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(catchesSigint(), 20000);
    QCOMPARE(::kill(pid_t(p.processId()), SIGINT), 0);
    QVERIFY(p.waitForFinished(120000));
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 130, err.constData());
    QVERIFY2(err.contains("Cancelled; nothing was changed."), err.constData());
    QVERIFY(!QFile::exists(project)); // nothing half-imported was saved
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
