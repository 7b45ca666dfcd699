// The app's database commands (plan, apply, verify, backup) end to end: exit codes 0/1/2/3 and what they
// print, on a project made by the app's own `import` from a small hand-written CSV.
#include "dbtestsupport.h"

#include <QFile>
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
    void ctrlCStopsApplyAndRollsBack();

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
    QTest::newRow("apply") << QStringList{u"apply"_s, u"--project"_s, u"@P"_s, u"--database"_s, u"@D"_s,
                                          u"--backup-dir"_s, u"@B"_s, u"--confirm"_s, u"tst_cli"_s}
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
    }
    QString out, err;
    QCOMPARE(run(args, &out, &err), exitCode);
    const QString all = out + err;
    QVERIFY2(all.contains(expected), qPrintable(all));
    QVERIFY(!all.contains(u"hunter2"_s));
    QVERIFY(!all.contains(u"app-Pa55"_s));
    QTEST(queryValue(m_url, u"SELECT count(*) FROM \"Incident\""_s), "incidents");
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

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_DatabaseCli)
#include "tst_databasecli.moc"
