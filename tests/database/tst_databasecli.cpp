// The app's database commands (plan, apply, verify, backup) end to end: exit codes 0/1/2/3 and what they
// print, on a project made by the app's own `import` from a small hand-written CSV.
#include "dbtestsupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace tt::test {

class tst_DatabaseCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void commands_data();
    void commands();
    void reportRecordsTheApply();
    void ctrlCStopsApplyAndRollsBack();
    void leadingZeroTwinsApplyOneChildEach();
    void migratedDatabase();

private:
    int run(const QStringList &args, QString *out = nullptr, QString *err = nullptr);
    QTemporaryDir m_dir;
    Sandbox m_sandbox;
    QString m_url;
    QString m_project;
};

int tst_DatabaseCli::run(const QStringList &args, QString *out, QString *err)
{
    QProcess p;
    p.start(qEnvironmentVariable("TT_APP"), args);
    if (!p.waitForFinished(120000))
        return -1;
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput());
    if (err)
        *err = QString::fromUtf8(p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void tst_DatabaseCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox = fixtureSandbox();
    m_url = createScratchDatabase(m_sandbox, u"tst_cli"_s);
    m_project = m_dir.filePath(u"school.ttrp"_s);
    const QString csv = qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/database/three-incidents-one-class.csv"_s;
    QString err;
    QCOMPARE(run({u"import"_s, u"--project"_s, m_project, u"--school"_s, u"Wattle Primary"_s, u"--domain"_s,
                  u"wattle.example"_s, u"--timezone"_s, u"Australia/Melbourne"_s, u"--incidents"_s, csv},
                 nullptr, &err),
             0);
    // TrackTally's .env: the app's pooled URL (never written through) and the direct URL to this database.
    auto writeEnv = [this](const QString &name, const QByteArray &text) {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    writeEnv(u"direct.env"_s, "DATABASE_URL=\"postgresql://app:app-Pa55@ep-x-pooler.invalid/tst_cli?sslmode=require&pgbouncer=true\"\r\n"
                              "export DIRECT_DATABASE_URL='" + m_url.toUtf8() + "'\r\n");
    writeEnv(u"pooled-only.env"_s, "DATABASE_URL=\"" + m_url.toUtf8() + "\"\n");
    // Same database through two spellings (the app's with Prisma's pgbouncer flag); and two different databases.
    const QByteArray flagged = m_url.toUtf8() + (m_url.contains(u'?') ? "&" : "?") + "pgbouncer=true";
    writeEnv(u"same.env"_s, "DATABASE_URL=\"" + flagged + "\"\nDIRECT_DATABASE_URL=\"" + m_url.toUtf8() + "\"\n");
    writeEnv(u"different.env"_s, "DATABASE_URL=\"" + m_sandbox.urlFor(u"postgres"_s).toUtf8()
                                     + "\"\nDIRECT_DATABASE_URL=\"" + m_url.toUtf8() + "\"\n");
}

void tst_DatabaseCli::cleanupTestCase()
{
    dropDatabase(m_sandbox, u"tst_cli"_s);
}

void tst_DatabaseCli::commands_data()
{
    // Run in order against one database: "@P" = the project, "@D" = the database URL, "@B" = a backup folder.
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected"); // in stdout + stderr
    QTest::addColumn<QString>("incidents"); // Incident rows afterwards
    QTest::newRow("plan") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s} << 0
                          << u"Incident: 3 to insert"_s << u"0"_s;
    QTest::newRow("apply-without-confirm") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                                         u"--backup-dir"_s, u"@B"_s}
                                           << 3 << u"--confirm tst_cli"_s << u"0"_s;
    QTest::newRow("apply-wrong-name") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                                    u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tracktally_prod"_s}
                                      << 3 << u"tracktally_prod"_s << u"0"_s;
    QTest::newRow("apply-no-backup-dir") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                                       u"--confirm"_s, u"tst_cli"_s}
                                         << 2 << u"--backup-dir"_s << u"0"_s;
    QTest::newRow("verify-before-apply") << QStringList{u"verify"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s}
                                         << 1 << u"no Organization row"_s << u"0"_s;
    // the project has an open question (a close call for the homeroom): refused until answered
    QTest::newRow("apply-open-question") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                                        u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s}
                                         << 3 << u"BLOCKING openQuestion 5JT"_s << u"0"_s;
    QTest::newRow("apply") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                          u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s,
                                          u"--accept-suggestions"_s}
                           << 0 << u"3 incidents"_s << u"3"_s;
    QTest::newRow("apply-again") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                                u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s}
                                 << 0 << u"0 incidents"_s << u"3"_s;
    QTest::newRow("verify") << QStringList{u"verify"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s} << 0
                            << u"Verified"_s << u"3"_s;
    QTest::newRow("backup") << QStringList{u"backup"_s, u"--database"_s, u"@D"_s, u"--backup-dir"_s, u"@B"_s} << 0
                            << u"written and verified"_s << u"3"_s;
    // --env instead of --database: DIRECT_DATABASE_URL, never the pooled DATABASE_URL for backup and apply.
    QTest::newRow("plan-from-env") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@E"_s} << 0
                                   << u"Target from DIRECT_DATABASE_URL (line 2)"_s << u"3"_s;
    QTest::newRow("apply-from-env") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@E"_s,
                                                   u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s}
                                    << 0 << u"Target from DIRECT_DATABASE_URL (line 2)"_s << u"3"_s;
    QTest::newRow("backup-from-env") << QStringList{u"backup"_s, u"--env"_s, u"@E"_s, u"--backup-dir"_s, u"@B"_s} << 0
                                     << u"written and verified"_s << u"3"_s;
    QTest::newRow("verify-from-env") << QStringList{u"verify"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@E"_s} << 0
                                     << u"Verified"_s << u"3"_s;
    QTest::newRow("apply-pooled-only-refused") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@Q"_s,
                                                              u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s}
                                               << 3 << u"does not set DIRECT_DATABASE_URL"_s << u"3"_s;
    QTest::newRow("backup-pooled-only-refused") << QStringList{u"backup"_s, u"--env"_s, u"@Q"_s, u"--backup-dir"_s,
                                                               u"@B"_s}
                                                << 3 << u"never DATABASE_URL"_s << u"3"_s;
    QTest::newRow("plan-pooled-only-reads") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@Q"_s}
                                            << 0 << u"Target from DATABASE_URL (line 1)"_s << u"3"_s;
    QTest::newRow("plan-env-same-database") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@S"_s}
                                            << 0 << u"reach the same database"_s << u"3"_s;
    QTest::newRow("plan-env-different-databases") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s, u"--env"_s, u"@X"_s}
                                                  << 0 << u"point to DIFFERENT databases"_s << u"3"_s;
    QTest::newRow("plan-without-target") << QStringList{u"plan"_s, u"--project"_s, u"@P"_s} << 2
                                         << u"--database is required"_s << u"3"_s;
    QTest::newRow("unreachable-database-password-hidden")
        << QStringList{u"backup"_s, u"--database"_s, u"postgresql://u:hunter2@127.0.0.1:1/x"_s, u"--backup-dir"_s, u"@B"_s}
        << 1 << u"password=***"_s << u"3"_s;
}

void tst_DatabaseCli::commands()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    for (QString &a : args) {
        if (a == u"@P"_s)
            a = m_project;
        else if (a == u"@D"_s)
            a = m_url;
        else if (a == u"@B"_s)
            a = m_dir.filePath(u"backups"_s);
        else if (a == u"@E"_s)
            a = m_dir.filePath(u"direct.env"_s);
        else if (a == u"@Q"_s)
            a = m_dir.filePath(u"pooled-only.env"_s);
        else if (a == u"@S"_s)
            a = m_dir.filePath(u"same.env"_s);
        else if (a == u"@X"_s)
            a = m_dir.filePath(u"different.env"_s);
    }
    QString out, err;
    QCOMPARE(run(args, &out, &err), exitCode);
    const QString all = out + err;
    QVERIFY2(all.contains(expected), qPrintable(all));
    QVERIFY(!all.contains(u"hunter2"_s));
    QVERIFY(!all.contains(u"app-Pa55"_s));
    QTEST(queryValue(m_url, u"SELECT count(*) FROM \"Incident\""_s), "incidents");
}

// After the commands above (one apply that wrote, re-runs that wrote nothing, a verify): `report --json` has one
// `applied` entry an auditor can check against the database and the backup file itself.
void tst_DatabaseCli::reportRecordsTheApply()
{
    const QString json = m_dir.filePath(u"report.json"_s);
    const QString html = m_dir.filePath(u"report.html"_s);
    const QString csv = m_dir.filePath(u"report-csv"_s);
    QString out, err;
    QCOMPARE(run({u"report"_s, u"--project"_s, m_project, u"--json"_s, json, u"--html"_s, html, u"--csv-dir"_s, csv}, &out, &err), 0);
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(report.contains(u"rows"_s) && report.contains(u"quarantine"_s)); // the existing keys stay
    const QJsonArray applied = report.value(u"applied"_s).toArray();
    QCOMPARE(applied.size(), 1); // the re-runs inserted nothing: no AuditLog row, no entry
    const QJsonObject a = applied.first().toObject();
    QCOMPARE(a.value(u"database"_s).toString(), u"tst_cli"_s);
    QVERIFY(!a.value(u"server"_s).toString().isEmpty());
    QCOMPARE(a.value(u"systemIdentifier"_s).toString(),
             queryValue(m_url, u"SELECT system_identifier::text FROM pg_control_system()"_s));
    // the run id and the person are the AuditLog row's
    const QStringList audit = queryRows(m_url, u"SELECT \"performedBy\", \"meta\" FROM \"AuditLog\" WHERE \"action\" = 'recovery.apply'"_s);
    QCOMPARE(audit.size(), 1);
    const QJsonObject meta = QJsonDocument::fromJson(audit.first().section(u'\t', 1).toUtf8()).object();
    QCOMPARE(a.value(u"runId"_s).toString(), meta.value(u"runId"_s).toString());
    QVERIFY(!a.value(u"runId"_s).toString().isEmpty());
    QCOMPARE(a.value(u"performedBy"_s).toString(), audit.first().section(u'\t', 0, 0));
    const QDateTime at = QDateTime::fromString(a.value(u"at"_s).toString(), Qt::ISODateWithMs);
    QVERIFY(at.isValid() && qAbs(at.secsTo(QDateTime::currentDateTimeUtc())) < 3600);
    // the backup: the file the AuditLog names, its size and its SHA-256 computed here from the file
    const QJsonObject backup = a.value(u"backup"_s).toObject();
    const QString path = backup.value(u"path"_s).toString();
    QCOMPARE(path, meta.value(u"backup"_s).toString());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    QCOMPARE(qint64(backup.value(u"bytes"_s).toDouble()), file.size());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QVERIFY(hash.addData(&file));
    const QString sha = QString::fromLatin1(hash.result().toHex());
    QCOMPARE(backup.value(u"sha256"_s).toString(), sha);
    // what was inserted, as the database has it
    const QJsonObject inserted = a.value(u"inserted"_s).toObject();
    QCOMPARE(inserted.value(u"Incident"_s).toInt(), 3);
    QCOMPARE(QString::number(inserted.value(u"Student"_s).toInt()), queryValue(m_url, u"SELECT count(*) FROM \"Student\""_s));
    QCOMPARE(inserted.value(u"Organization"_s).toInt(), 1);
    // the verify that followed, and the question answered by --accept-suggestions (a homeroom close call)
    const QJsonObject verified = a.value(u"verified"_s).toObject();
    QVERIFY(verified.value(u"ok"_s).toBool());
    QCOMPARE(verified.value(u"incidentsPresent"_s).toInt(), 3);
    const QJsonObject questions = a.value(u"questions"_s).toObject();
    QVERIFY(questions.value(u"acceptedSuggestions"_s).toInt() >= 1);
    QVERIFY(questions.contains(u"decidedByHand"_s));
    QVERIFY(a.value(u"warningsAcknowledged"_s).isArray());
    // the same in the report for people and in applied.csv
    QFile h(html);
    QVERIFY(h.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(h.readAll());
    QVERIFY(page.contains(sha) && page.contains(meta.value(u"runId"_s).toString()));
    QFile c(csv + u"/applied.csv"_s);
    QVERIFY(c.open(QIODevice::ReadOnly));
    const QString rows = QString::fromUtf8(c.readAll());
    QVERIFY2(rows.contains(u"backupSha256"_s) && rows.contains(sha) && rows.contains(u",ok,"_s), qPrintable(rows));
}

void tst_DatabaseCli::ctrlCStopsApplyAndRollsBack()
{
    const QString url = createScratchDatabase(m_sandbox, u"tst_cli_int"_s);
    const QStringList args{u"apply"_s, u"--project"_s, m_project, u"--database"_s, url, u"--backup-dir"_s,
                           m_dir.filePath(u"backups-int"_s), u"--confirm"_s, u"tst_cli_int"_s};
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TT_TEST_PAUSE_AFTER"_s, u"copy"_s); // the apply stops mid-COPY for 3 s: Ctrl+C lands there
    env.insert(u"TT_TEST_PAUSE_SECONDS"_s, u"3"_s);
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("TT_APP"), args);
    QVERIFY(p.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("TT_TEST_PAUSED copy"), 60000);
    QCOMPARE(::kill(pid_t(p.processId()), SIGINT), 0);
    QVERIFY(p.waitForFinished(60000));
    err += p.readAllStandardError();
    QCOMPARE(p.exitStatus(), QProcess::NormalExit); // it stopped by itself, at a safe point
    QCOMPARE(p.exitCode(), 130);
    QVERIFY2(err.contains("Cancelled; nothing was changed."), err.constData());
    QCOMPARE(queryValue(url, uR"(SELECT (SELECT count(*) FROM "Organization") + (SELECT count(*) FROM "Teacher")
                                 + (SELECT count(*) FROM "Student") + (SELECT count(*) FROM "Incident")
                                 + (SELECT count(*) FROM "AuditLog"))"_s),
             u"0"_s);
    // and a run without Ctrl+C completes
    QString out, err2;
    QCOMPARE(run(args, &out, &err2), 0);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\""_s), u"3"_s);
    dropDatabase(m_sandbox, u"tst_cli_int"_s);
}

// A school whose sheets lost the leading zeros of some ids: those children appear twice (probable duplicates).
// plan --json lists them under "readiness"; apply refuses (exit 3) and writes nothing; with --accept-suggestions
// it merges them, keeps the answers in the project and lists them in the AuditLog row's meta.
void tst_DatabaseCli::leadingZeroTwinsApplyOneChildEach()
{
    // Generated logs: children with ids starting with a zero are logged under both forms ("0421" and "421"),
    // the others under one; one teacher, one class.
    const QStringList children{u"0421|Mia Quince"_s, u"0387|Liam Orchard"_s, u"0056|Zoe Pennant"_s, u"1204|Ava Thistle"_s,
                               u"1377|Noah Bracken"_s};
    QString csv = u"timestamp,studentId,studentName,level,category,location,actionTaken,note,teacherEmail,classCode,device,uuid\n"_s;
    int n = 0, childrenWithLogs = 0, twins = 0;
    for (const QString &child : children) {
        const QString id = child.section(u'|', 0, 0), name = child.section(u'|', 1, 1);
        const QString stripped = QString::number(id.toInt());
        QStringList forms{id};
        if (stripped != id) {
            forms.append(stripped);
            ++twins;
        }
        ++childrenWithLogs;
        for (const QString &form : forms)
            for (int k = 0; k < 3; ++k, ++n)
                csv += u"2025-10-%1T01:00:00.000Z,%2,%3,Minor,Disruption,Classroom,,,jane.smith@wattle.example,5JT,ua,"
                       u"3c2d1e0f-2222-4a2b-9c3d-%4\n"_s.arg(n % 28 + 1, 2, 10, QChar(u'0')).arg(form, name).arg(n, 12, 10, QChar(u'0'));
    }
    const QString inc = m_dir.filePath(u"zeros-incidents.csv"_s);
    QFile out0(inc);
    QVERIFY(out0.open(QIODevice::WriteOnly));
    out0.write(csv.toUtf8());
    out0.close();
    const QString project = m_dir.filePath(u"zeros.ttproj"_s);
    QString out, err;
    QCOMPARE(run({u"import"_s, u"--project"_s, project, u"--school"_s, u"Wattle Primary"_s, u"--domain"_s,
                  u"wattle.example"_s, u"--timezone"_s, u"Australia/Melbourne"_s, u"--incidents"_s, inc},
                 &out, &err),
             0);
    const QString url = createScratchDatabase(m_sandbox, u"tst_cli_ready"_s);

    const QString planJson = m_dir.filePath(u"zeros-plan.json"_s);
    QCOMPARE(run({u"plan"_s, u"--project"_s, project, u"--database"_s, url, u"--json"_s, planJson}, &out, &err), 0);
    QFile f(planJson);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject plan = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(plan.contains(u"tables"_s)); // the plan's own keys stay
    int duplicates = 0;
    for (const QJsonValue &v : plan.value(u"readiness"_s).toArray()) {
        const QJsonObject item = v.toObject();
        for (const char *key : {"severity", "kind", "subject", "detail", "step", "row"})
            QVERIFY2(item.contains(QLatin1String(key)), key);
        duplicates += item.value(u"kind"_s).toString() == u"probableDuplicate"_s;
    }
    // The roster rules settle these leading-zero twins (same name, same class): nothing blocks, and the plan
    // inserts exactly one student per child.
    QVERIFY(twins > 0);
    QCOMPARE(duplicates, 0);
    QCOMPARE(plan.value(u"tables"_s).toObject().value(u"Student"_s).toObject().value(u"toInsert"_s).toInt(),
             childrenWithLogs);

    const QStringList apply{u"apply"_s, u"--project"_s, project, u"--database"_s, url, u"--backup-dir"_s,
                            m_dir.filePath(u"backups-ready"_s), u"--confirm"_s, u"tst_cli_ready"_s};
    QCOMPARE(run(apply, &out, &err), 0);
    QVERIFY2(!(out + err).contains(u"BLOCKING"_s), qPrintable(out + err));
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Student\""_s), QString::number(childrenWithLogs));
    // every log of either form is linked to its one student
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\" WHERE \"studentId\" IS NULL"_s), u"0"_s);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\""_s), QString::number(n));
    // a second apply has nothing to ask and nothing new to write
    QCOMPARE(run(apply, &out, &err), 0);
    QVERIFY2(out.contains(u"0 incidents"_s), qPrintable(out));
    dropDatabase(m_sandbox, u"tst_cli_ready"_s);
}

// A database built by TrackTally's own migrations 1-3 (no Organization.lmsProvider, no Incident.type; the
// "legacy-org" row of migration 2): plan says what is missing and what it means (text and --json), apply writes
// the three incidents without those columns, verify finds them, legacy-org is untouched.
void tst_DatabaseCli::migratedDatabase()
{
    const QString name = u"tst_cli_migrated"_s;
    const QString url = createMigratedDatabase(m_sandbox, name, 3);
    const QString legacy = tableChecksum(url, u"Organization"_s, u"t.\"id\" = 'legacy-org'"_s);
    const QString json = m_dir.filePath(u"migrated-plan.json"_s);
    QString out, err;
    QCOMPARE(run({u"plan"_s, u"--project"_s, m_project, u"--database"_s, url, u"--json"_s, json}, &out, &err), 0);
    qInfo().noquote() << out;
    QVERIFY2(out.contains(u"The database has TrackTally's schema, an earlier version of it"_s), qPrintable(out + err));
    QVERIFY2(out.contains(u"MISSING COLUMN (not written): Organization.lmsProvider"_s), qPrintable(out));
    QVERIFY2(out.contains(u"MISSING COLUMN (not written): Incident.type"_s), qPrintable(out));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject plan = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray missing = plan.value(u"missingColumns"_s).toArray();
    QCOMPARE(missing.size(), 2);
    QCOMPARE(missing[0].toObject().value(u"table"_s).toString(), u"Organization"_s);
    QCOMPARE(missing[0].toObject().value(u"column"_s).toString(), u"lmsProvider"_s);
    QCOMPARE(missing[0].toObject().value(u"required"_s).toBool(), false);
    QCOMPARE(missing[1].toObject().value(u"column"_s).toString(), u"type"_s);
    QCOMPARE(plan.value(u"schemaWritable"_s).toBool(), true);
    QVERIFY(plan.contains(u"tables"_s) && plan.contains(u"readiness"_s));

    QCOMPARE(run({u"apply"_s, u"--project"_s, m_project, u"--database"_s, url, u"--backup-dir"_s, m_dir.filePath(u"b"_s),
                  u"--confirm"_s, name, u"--accept-suggestions"_s},
                 &out, &err),
             0);
    QVERIFY2(out.contains(u"3 incidents"_s), qPrintable(out + err));
    QCOMPARE(run({u"verify"_s, u"--project"_s, m_project, u"--database"_s, url}, &out, &err), 0);
    QCOMPARE(queryValue(url, u"SELECT count(*) FROM \"Incident\""_s), u"3"_s);
    QCOMPARE(tableChecksum(url, u"Organization"_s, u"t.\"id\" = 'legacy-org'"_s), legacy);
    dropDatabase(m_sandbox, name);
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_DatabaseCli)
#include "tst_databasecli.moc"
